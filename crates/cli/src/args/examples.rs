//! The examples each subcommand's help ends with: commands that run as written (the help
//! tests keep them within 80 columns).

pub(super) const RUN_EXAMPLES: &str = "\
Examples:
  modsim run
      Replay the embedded seed: the AWS suspension of Parler, January 2021.
  modsim run seeds/parler-aws-2021 --format json
      The same, as JSON (schema in docs/json-output.md).
  modsim run --without '6.1(a)' --without '6.1(b)' --without '7.2(b)(ii)'
      Parler's reading: the immediate clauses taken out.
  modsim run seeds/parler-aws-2021-parler-account --assume \\
    aws_determined_risk=true
      Parler's account of the facts, with AWS's judgment call read for AWS.
  modsim run --explain '7.2(b)(ii)'
      The derivation of one power's earliest instant.
  modsim run --format html --output seed-report.html
      A self-contained page with the timeline, verdicts and explanations, for
      a browser.
  modsim run seeds/weekend-2021-01 --format md
      Every party's actions of 8-11 January 2021, as a Markdown verdict matrix.
  modsim run seeds/parler-aws-2021 --policy policies/aws-2021-07.toml \\
    --explain
      The suspension under the July 2021 terms: 2 business days per notified
      post.";

pub(super) const COMPARE_EXAMPLES: &str = "\
Examples:
  modsim compare --reform policies/reforms/thirty-days-notice.toml
      The seed under the contract as Parler read it: the suspension flips,
      termination moves to 2021-02-08.
  modsim compare --reform policies/reforms/cure-before-termination.toml \\
    --reform policies/reforms/takedown-window.toml
      Two alternatives, each against the baseline.
  modsim compare seeds/parler-aws-2021-parler-account --reform \\
    policies/reforms/aws-determined-risk.toml --format json
      For machines: a `differences` list, then every run's report.";

pub(super) const SWEEP_EXAMPLES: &str = "\
Examples:
  modsim sweep --vary removal_probability=1 --vary \\
    removal_delay_median=1h,24h,72h --replicates 500 --seed 7 --format csv
      How fast would Parler's moderation have had to be? Share of worlds where
      the suspension is permitted.
  modsim sweep --vary cure_period='10 calendar days,30 calendar days' \\
    --replicates 200 --chart cure.svg
      A policy parameter and a chart of the shares.
  modsim sweep --vary removal_delay_median=1h,24h --replicates 400 --shard \\
    1/2 --output part1.json
  modsim sweep --vary removal_delay_median=1h,24h --replicates 400 --shard \\
    2/2 --output part2.json
      The two halves of a sweep, for a batch system; `modsim merge` puts them
      together.";

pub(super) const MERGE_EXAMPLES: &str = "\
Examples:
  modsim merge part1.json part2.json
      The same bytes as the unsharded sweep's output, in the sweep's
      `--format` (`--format csv` here would ask for CSV).";

pub(super) const TEST_EXAMPLES: &str = "\
Examples:
  modsim test exercises --answers-dir exercises/keys
      Grade the whole exercise pack against the instructor's keys.
  modsim test exercises/01-suspension-grounds/exercise.toml --answers \\
    exercises/keys/suspension-grounds.toml
      One exercise, one key.
  modsim test exercises/03-apple-guideline-1-2/exercise.toml --answers \\
    exercises/keys/apple-guideline-1-2.toml --policy \\
    policies/apple-app-store-2021-01.toml
      Grade a policy a student wrote (here, the published encoding) against
      the key.
  modsim test exercises/03-apple-guideline-1-2/exercise.toml --answers \\
    exercises/keys/apple-guideline-1-2.toml --policy \\
    policies/apple-app-store-2021-01.toml --reference \\
    policies/apple-app-store-2021-01.toml
      Then search for a timeline on which it and the reference part (`modsim
      diff`); none here.

Exit codes: 0 every case passed; 1 a case failed; 2 bad input or usage.";

pub(super) const NEW_EXAMPLES: &str = "\
Examples:
  modsim new policy my-policy
      Write my-policy.toml, which `modsim run --policy my-policy.toml` replays
      on the seed.
  modsim new scenario my-scenario
      Write my-scenario/ (scenario.toml, posts.csv, policy.toml); `modsim run
      my-scenario` replays it.
  modsim new exercise my-exercise
      Write my-exercise/ (exercise.toml, handout.md, key.toml) about the seed
      scenario.";

pub(super) const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  modsim completions bash
      Print the bash completions; `modsim completions bash >
      ~/.local/share/bash-completion/completions/modsim` installs them.
  modsim completions zsh
      The same for zsh (also fish, elvish, powershell).";

pub(super) const RECONSTRUCT_EXAMPLES: &str = "\
Examples:
  modsim reconstruct aws
      Print the committed reconstruction of the 98 reports
      (seeds/parler-aws-2021/posts.csv).
  modsim reconstruct parler-account --output \\
    seeds/parler-aws-2021-parler-account/posts.csv
      Regenerate Parler's account of the same reports.";

pub(super) const SERVE_EXAMPLES: &str = "\
Examples:
  modsim serve --check
      Say what `modsim serve` offers (the embedded seeds, reforms and
      exercises) and stop; without --check it serves them at
      http://127.0.0.1:8017/ until Ctrl-C.
  modsim serve --answers-dir exercises/keys --check
      Read and check the exercises' keys before class; they stay here.
  modsim serve seeds/weekend-2021-01 --listen 0.0.0.0:8017 --check
      One scenario, for everyone on this network (anyone on it can use
      the server).";

pub(super) const DIFF_EXAMPLES: &str = "\
Examples:
  modsim diff policies/aws-2021-01.toml policies/aws-2021-07.toml  # exit 1: a difference
      What did AWS's July 2021 terms change? The smallest timeline on which they
      part, with both sides' verdicts and explanations.
  modsim diff policies/aws-2021-01.toml policies/reforms/takedown-window.toml \\
    --format json  # exit 1
      A policy against a reform of it, for machines (schema modsim.diff/1,
      docs/json-output.md).
  modsim diff policies/aws-2021-01.toml policies/aws-2021-01.toml \\
    --budget 5000 --jobs 2
      A policy against itself: no difference found in 5000 timelines (exit 0),
      which is no proof.
  modsim diff policies/apple-app-store-2021-01.toml \\
    policies/apple-app-store-2021-01.toml \\
    --scenario exercises/03-apple-guideline-1-2 --time 1
      Start from a scenario's timeline (and its [model]), for at most a second.

The same seed gives the same answer whatever `--jobs` is (with `--budget`;
`--time` tries as many timelines as the machine manages). Exit codes: 0 no
difference found; 1 a difference found; 2 bad input or usage.";

pub(super) const CHECK_EXAMPLES: &str = "\
Examples:
  modsim check policies seeds
      Check every policy and scenario under the two folders (exit 0: no errors).
  modsim check my-policy.toml --deny-warnings
      Fail on warnings too (the domain lints of docs/lints.md).
  modsim check seeds --error-format json
      The problems as JSON, for editors and graders (docs/json-output.md).

Exit codes: 0 no errors (warnings allowed); 1 warnings, with --deny-warnings; 2 errors.";

pub(super) const SCHEMA_EXAMPLES: &str = "\
Examples:
  modsim schema policy > schemas/policy.schema.json
      The schema the shipped policies name in their `#:schema` first line.";
