//! Every command the docs show runs as written, one test per document: `README.md`,
//! `docs/*.md`, `exercises/README.md`, and each exercise's `handout.md` and `instructor.md`.
//!
//! What counts as a command:
//!
//! - each line of a fenced `sh` (or `bash`, `shell`, `console`) block, a trailing `\` joining
//!   it to the next; words are split as a POSIX shell would (`shell-words`), and a character
//!   the shell would read as syntax (`(`, `|`, `$`, `*`, ...) outside quotes fails the test,
//!   so `--explain 7.2(b)(i)` must be quoted;
//! - an inline code span in prose that starts with `modsim` or `cargo` (a span in a heading,
//!   or a bare subcommand such as `modsim check`, is a name, not a command).
//!
//! `modsim ARGS`, `cargo run [--release] -- ARGS` and `./target/*/modsim ARGS` all run the
//! binary this test was built with. Commands run in order, in a fresh temporary copy of the
//! repository's data (seeds, policies, exercises, schemas, tests/data), so that a command that
//! writes a file writes it there and a later command of the same document can read it. Files
//! the reader is asked to write are stood in for by a shipped answer (`STAND_INS`).
//!
//! Each command must exit 0, or the code its trailing comment gives (`# exit 2: ...`). A
//! trailing comment that quotes `N passed, N failed` must be what the command prints. Where a
//! command's output is shown in the fenced block right after its own block (no language,
//! `text`, or `json`), or right after the paragraphs that name it inline, that output is
//! compared: text line by line (`...` alone on a line stands for any lines, `[..]` for any text
//! within one), JSON as an excerpt (every key and value shown is in the output, arrays keep
//! their order, and what is left out may be anything). Commands that cannot run in a test are
//! skipped by a rule of `classify` that names why, and listed on standard error.
//!
//! A command that fails as written is a bug of the doc (or of the program): fix the doc, or
//! update its shown output from the program's real output. `cargo test --test docs README`
//! runs one document.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test harness fails by panicking"
)]

#[allow(dead_code, reason = "each harness uses part of the shared helpers")]
mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde_json::Value;
use snapbox::IntoData;
use support::{ensure, entries, modsim_in, relative, root, text};

/// The data a documented command may read, copied into each document's temporary folder.
const DATA: &[&str] = &["seeds", "policies", "exercises", "schemas", "tests/data"];

/// Files a document asks the reader to write, each stood in for by a shipped answer that the
/// exercise's key accepts.
const STAND_INS: &[(&str, &str)] = &[
    ("student.toml", "policies/apple-app-store-2021-01.toml"),
    (
        "student-apple.toml",
        "policies/apple-app-store-2021-01.toml",
    ),
    (
        "student-reform.toml",
        "policies/reforms/thirty-days-notice.toml",
    ),
    ("my-reform.toml", "policies/reforms/thirty-days-notice.toml"),
    ("my-apple.toml", "policies/apple-app-store-2021-01.toml"),
];

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = documents()
        .into_iter()
        .map(|path| {
            let name = relative(&path);
            Trial::test(name.clone(), move || run_document(&name))
        })
        .collect();
    assert!(trials.len() >= 14, "only {} documents", trials.len());
    trials.extend(rules());
    libtest_mimic::run(&args, trials).exit();
}

/// The reading rules, each checked on a small document, so that a rule that stops holding
/// fails by name rather than letting a broken doc pass.
fn rules() -> Vec<Trial> {
    fn parsed(doc: &str) -> Result<Vec<Shown>, Failed> {
        commands("rule.md", doc)
    }
    fn args(shown: &Shown) -> Vec<&str> {
        match &shown.action {
            Action::Run(args) => args.iter().map(String::as_str).collect(),
            Action::Skip(why) => vec![why],
        }
    }
    vec![
        Trial::test("rules::unquoted_parentheses_fail_as_a_shell_would", || {
            let err = parsed("```sh\nmodsim run --explain 7.2(b)(i)\n```\n").err();
            ensure(
                err.is_some_and(|e| format!("{e:?}").contains("quote the word")),
                || "`7.2(b)(i)` unquoted was accepted".to_owned(),
            )?;
            let shown = parsed("```sh\nmodsim run --explain '7.2(b)(i)' # exit 0\n```\n")?;
            ensure(args(&shown[0]) == ["run", "--explain", "7.2(b)(i)"], || {
                format!("{shown:?}")
            })
        }),
        Trial::test(
            "rules::cargo_run_and_continuations_map_to_the_binary",
            || {
                let shown = parsed(
                    "```sh\ncargo run --release -- sweep \\\n    --seed 7  # exit 1: why\ncargo run -- check\n```\n",
                )?;
                ensure(args(&shown[0]) == ["sweep", "--seed", "7"], || {
                    format!("{shown:?}")
                })?;
                ensure(expected_exit(&shown[0].comment) == 1, || {
                    format!("{shown:?}")
                })?;
                ensure(args(&shown[1]) == ["check"], || format!("{shown:?}"))
            },
        ),
        Trial::test(
            "rules::an_output_block_belongs_to_the_command_before_it",
            || {
                let shown = parsed(
                    "Run `modsim run --format json` for this:\n\n```json\n{}\n```\n\n```sh\nmodsim a\nmodsim b\n```\n\n```\nout\n```\n\n`modsim check` then:\n\n```\nnot an output\n```\n",
                )?;
                let outputs: Vec<Option<&str>> = shown
                    .iter()
                    .map(|s| s.output.as_ref().map(|o| o.text.as_str()))
                    .collect();
                ensure(outputs == [Some("{}\n"), None, Some("out\n"), None], || {
                    format!("{outputs:?}")
                })
            },
        ),
        Trial::test(
            "rules::commands_that_cannot_run_are_skipped_by_name",
            || {
                let shown = parsed(
                    "```sh\nsudo apt-get install chromium\ncargo install --path crates/cli\nmodsim check FILE\n```\n\n## `modsim run --format json`\n\nUpdate with `SNAPSHOTS=overwrite cargo test`.\n",
                )?;
                ensure(
                    shown.len() == 5 && shown.iter().all(|s| matches!(s.action, Action::Skip(_))),
                    || format!("{shown:?}"),
                )?;
                ensure(parsed("```sh\nrm -rf /\n```\n").is_err(), || {
                    "a program with no rule was accepted".to_owned()
                })
            },
        ),
        Trial::test("rules::json_excerpts_keep_order_and_may_leave_out", || {
            let actual: Value = serde_json::json!({"a": [1, 2, 3], "b": {"c": true, "d": null}});
            for (doc, is_excerpt) in [
                (serde_json::json!({"a": [1, 3]}), true),
                (serde_json::json!({"c": true}), true),
                (serde_json::json!({"a": [3, 1]}), false),
                (serde_json::json!({"b": {"c": false}}), false),
                (serde_json::json!({"e": 1}), false),
            ] {
                ensure(excerpt_of(&doc, &actual).is_ok() == is_excerpt, || {
                    format!("{doc} as an excerpt of {actual}")
                })?;
            }
            Ok(())
        }),
        Trial::test("rules::a_quoted_tally_is_read_from_the_comment", || {
            ensure(
                quoted_tally("grade the pack: 18 passed, 0 failed").as_deref()
                    == Some("18 passed, 0 failed"),
                || "tally not read".to_owned(),
            )
        }),
    ]
}

/// The documents whose commands run: the README, `docs/`, and the exercises'.
fn documents() -> Vec<PathBuf> {
    let root = root();
    let mut docs = vec![root.join("README.md"), root.join("exercises/README.md")];
    docs.extend(
        entries(&root.join("docs"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    for exercise in entries(&root.join("exercises")) {
        for file in ["handout.md", "instructor.md"] {
            if exercise.join(file).is_file() {
                docs.push(exercise.join(file));
            }
        }
    }
    docs
}

/// A command as a document shows it.
#[derive(Debug)]
struct Shown {
    /// Where: `README.md:23`.
    place: String,
    /// The command as written, comment aside.
    written: String,
    /// Its trailing comment, if any.
    comment: String,
    /// How to run it, or why not.
    action: Action,
    /// The output the document shows for it.
    output: Option<Output>,
}

#[derive(Debug)]
enum Action {
    Run(Vec<String>),
    Skip(&'static str),
}

#[derive(Debug)]
struct Output {
    place: String,
    json: bool,
    text: String,
}

fn run_document(name: &str) -> Result<(), Failed> {
    let source = std::fs::read_to_string(root().join(name)).map_err(|e| format!("{name}: {e}"))?;
    let shown = commands(name, &source)?;
    let scratch = Scratch::new(name)?;
    let mut skipped = String::new();
    for command in &shown {
        if let Action::Skip(why) = &command.action {
            let _ = writeln!(
                skipped,
                "  skipped {} `{}`: {why}",
                command.place, command.written
            );
        }
    }
    if !skipped.is_empty() {
        eprint!("{name}:\n{skipped}");
    }
    for command in &shown {
        if let Action::Run(args) = &command.action {
            run_command(command, args, &scratch.dir)?;
        }
    }
    Ok(())
}

fn run_command(command: &Shown, args: &[String], dir: &Path) -> Result<(), Failed> {
    let out = modsim_in(dir, args)?;
    let stdout = text(&out.stdout)?;
    let stderr = text(&out.stderr)?;
    let what = format!("{} `{}`", command.place, command.written);
    ensure(!stderr.contains("panicked"), || {
        format!("{what} panicked:\n{stderr}")
    })?;
    let expected = expected_exit(&command.comment);
    ensure(out.status.code() == Some(expected), || {
        format!(
            "{what} exited {:?}, not {expected} (a trailing `# exit N` comment states another code):\n{stderr}{}",
            out.status.code(),
            tail(&stdout)
        )
    })?;
    if let Some(tally) = quoted_tally(&command.comment) {
        ensure(stdout.contains(&tally), || {
            format!(
                "{what}: its comment says `{tally}`, the command prints:\n{}",
                tail(&stdout)
            )
        })?;
    }
    if let Some(shown) = &command.output {
        let actual = if stdout.is_empty() { &stderr } else { &stdout };
        compare_output(&what, shown, actual)?;
    }
    Ok(())
}

/// The last lines of an output, for a failure message.
fn tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// The exit code a trailing comment states (`# exit 1: ...`), else 0.
fn expected_exit(comment: &str) -> i32 {
    let words: Vec<&str> = comment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .find(|w| w[0] == "exit")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(0)
}

/// `N passed, N failed`, when a trailing comment quotes the command's closing line.
fn quoted_tally(comment: &str) -> Option<String> {
    let at = comment.find(" passed, ")?;
    let start = comment[..at]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let rest = &comment[at + " passed, ".len()..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let after = &rest[digits..];
    (start < at && digits > 0 && after.starts_with(" failed")).then(|| {
        format!(
            "{} failed",
            &comment[start..at + " passed, ".len() + digits]
        )
    })
}

fn compare_output(what: &str, shown: &Output, actual: &str) -> Result<(), Failed> {
    if shown.json {
        let doc: Value = serde_json::from_str(&shown.text)
            .map_err(|e| format!("{}: the JSON shown does not parse: {e}", shown.place))?;
        let actual: Value = serde_json::from_str(actual)
            .map_err(|e| format!("{what}: the output is not JSON: {e}"))?;
        return match excerpt_of(&doc, &actual) {
            Ok(()) => Ok(()),
            Err(at) => Err(format!(
                "{}: the JSON shown is not an excerpt of what {what} prints: {at}",
                shown.place
            )
            .into()),
        };
    }
    // `...` alone on a line elides lines; the docs may indent it with the lines around it.
    let expected: String = shown
        .text
        .lines()
        .map(|l| if l.trim() == "..." { "..." } else { l })
        .fold(String::new(), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        });
    snapbox::Assert::new()
        .normalize_paths(false)
        .try_eq(Some(&what), actual.into_data(), snapbox::Data::text(expected))
        .map_err(|e| {
            format!(
                "{}: the output shown differs from what the command prints (update the doc from it):\n{e}",
                shown.place
            )
            .into()
        })
}

/// Whether `doc` is an excerpt of `actual`: of the whole document, or of a value within it.
fn excerpt_of(doc: &Value, actual: &Value) -> Result<(), String> {
    let whole = contained(doc, actual, "$");
    if whole.is_ok() || within(doc, actual) {
        return Ok(());
    }
    whole
}

fn within(doc: &Value, actual: &Value) -> bool {
    let children: Vec<&Value> = match actual {
        Value::Object(map) => map.values().collect(),
        Value::Array(items) => items.iter().collect(),
        _ => return false,
    };
    children
        .into_iter()
        .any(|c| contained(doc, c, "$").is_ok() || within(doc, c))
}

/// Whether every key and value of `doc` is in `actual` (arrays: `doc`'s items in order, each
/// contained in a distinct item of `actual`); else where the first difference is.
fn contained(doc: &Value, actual: &Value, at: &str) -> Result<(), String> {
    match (doc, actual) {
        (Value::Object(d), Value::Object(a)) => {
            for (key, value) in d {
                let inner = format!("{at}.{key}");
                let found = a
                    .get(key)
                    .ok_or_else(|| format!("{inner}: not in the output"))?;
                contained(value, found, &inner)?;
            }
            Ok(())
        }
        (Value::Array(d), Value::Array(a)) => {
            let mut rest = a.iter().peekable();
            for (i, item) in d.iter().enumerate() {
                let inner = format!("{at}[{i}]");
                // Where it fails against the next item of the output, if no later one matches.
                let first = match rest.peek() {
                    Some(next) => contained(item, next, &inner),
                    None => Err(format!("{inner}: more items shown than printed")),
                };
                if !rest.any(|candidate| contained(item, candidate, &inner).is_ok()) {
                    return first;
                }
            }
            Ok(())
        }
        _ if doc == actual => Ok(()),
        _ => Err(format!("{at}: shown `{doc}`, printed `{actual}`")),
    }
}

// ---------------------------------------------------------------------------------------
// Reading a document.

/// Languages of fenced blocks whose lines are commands.
const SHELL: &[&str] = &["sh", "bash", "shell", "console"];
/// Languages of fenced blocks that may show a command's output.
const OUTPUT: &[&str] = &["", "text", "json"];

/// The commands a document shows, in order, each with the output shown for it.
fn commands(name: &str, source: &str) -> Result<Vec<Shown>, Failed> {
    let line_of = |offset: usize| source[..offset].matches('\n').count() + 1;
    let mut shown: Vec<Shown> = Vec::new();
    // The command whose output a following block may show: the last of a shell block just
    // closed, or the last inline command since the heading or block before.
    let mut after_block: Option<usize> = None;
    let mut inline: Option<usize> = None;
    let mut in_heading = false;
    let mut block: Option<(String, usize, String)> = None; // language, line, text
    for (event, range) in Parser::new(source).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_owned()
                    }
                    CodeBlockKind::Indented => "indented".to_owned(),
                };
                block = Some((language, line_of(range.start), String::new()));
            }
            Event::Text(t) if block.is_some() => {
                if let Some((_, _, text)) = block.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let Some((language, line, text)) = block.take() else {
                    continue;
                };
                let owner = after_block.take().or(inline.take());
                if SHELL.contains(&language.as_str()) {
                    shown.extend(block_commands(name, line, &text)?);
                    after_block = shown.len().checked_sub(1);
                } else if OUTPUT.contains(&language.as_str())
                    && let Some(owner) = owner
                    && matches!(shown[owner].action, Action::Run(_))
                    && shown[owner].output.is_none()
                {
                    shown[owner].output = Some(Output {
                        place: format!("{name}:{line}"),
                        json: language == "json",
                        text,
                    });
                }
            }
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                after_block = None;
                inline = None;
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(_) => after_block = None,
            Event::Code(span) => {
                if let Some(command) =
                    inline_command(name, line_of(range.start), &span, in_heading)?
                {
                    if matches!(command.action, Action::Run(_)) {
                        inline = Some(shown.len());
                    }
                    shown.push(command);
                }
            }
            _ => {}
        }
    }
    Ok(shown)
}

/// The commands of a shell block starting on `line` (its fence).
fn block_commands(name: &str, fence: usize, text: &str) -> Result<Vec<Shown>, Failed> {
    let mut out = Vec::new();
    if text.starts_with("#!") {
        out.push(Shown {
            place: format!("{name}:{}", fence + 1),
            written: text.lines().next().unwrap_or_default().to_owned(),
            comment: String::new(),
            action: Action::Skip(
                "a batch job script (Slurm): its commands read the scheduler's variables",
            ),
            output: None,
        });
        return Ok(out);
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let first = i;
        let mut logical = lines[i].to_owned();
        while logical.ends_with('\\') && i + 1 < lines.len() {
            i += 1;
            logical.push('\n');
            logical.push_str(lines[i]);
        }
        i += 1;
        let trimmed = logical.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let place = format!("{name}:{}", fence + 1 + first);
        out.push(parse_command(place, trimmed)?);
    }
    Ok(out)
}

/// An inline code span, if it is a command.
fn inline_command(
    name: &str,
    line: usize,
    span: &str,
    in_heading: bool,
) -> Result<Option<Shown>, Failed> {
    let span = span.trim();
    let words = shell_words::split(span).unwrap_or_default();
    let words = without_environment(&words);
    let program = words.first().map(String::as_str).unwrap_or_default();
    let is_command = program == "modsim" || program.ends_with("/modsim") || program == "cargo";
    if !is_command {
        return Ok(None);
    }
    let place = format!("{name}:{line}");
    let mut command = parse_command(place, span)?;
    if in_heading {
        command.action = Action::Skip("a heading names the command, it does not show one to run");
    } else if program == "modsim" && words.len() <= 2 && !matches!(command.action, Action::Skip(_))
    {
        command.action = Action::Skip(
            "prose names the program or a subcommand, it does not show a command to run",
        );
    }
    Ok(Some(command))
}

/// One command as written, comment and all.
fn parse_command(place: String, line: &str) -> Result<Shown, Failed> {
    let (written, comment) = split_comment(line);
    if has_angle_placeholder(written) {
        return Ok(Shown {
            place,
            written: written.to_owned(),
            comment: comment.to_owned(),
            action: Action::Skip(SYNOPSIS_ANGLE),
            output: None,
        });
    }
    if let Some((column, c)) = unquoted_syntax(written) {
        return Err(format!(
            "{place}: `{written}`: a shell reads `{c}` (column {}) as syntax, not as an argument: quote the word",
            column + 1
        )
        .into());
    }
    let words = shell_words::split(written)
        .map_err(|_| format!("{place}: `{written}`: a quote is not closed"))?;
    let action = classify(&words).map_err(|e| format!("{place}: `{written}`: {e}"))?;
    Ok(Shown {
        place,
        written: written
            .replace("\\\n", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        comment: comment.to_owned(),
        action,
        output: None,
    })
}

/// How to run a command, or the rule that skips it, or why no rule applies.
fn classify(words: &[String]) -> Result<Action, String> {
    let command = without_environment(words);
    if command.len() < words.len() {
        return match classify(command)? {
            skip @ Action::Skip(_) => Ok(skip),
            Action::Run(_) => Err("no rule sets environment variables for a run".to_owned()),
        };
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let args = |rest: &[&str]| rest.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
    let action = match words.as_slice() {
        [] => return Err("no command".to_owned()),
        ["modsim", "serve", ..] => Action::Skip(
            "starts a server that runs until stopped (tests/serve.rs and tests/browser/ run it)",
        ),
        ["modsim", rest @ ..] => Action::Run(args(rest)),
        [program, rest @ ..] if program.ends_with("/modsim") && program.contains("target/") => {
            Action::Run(args(rest))
        }
        ["cargo", "run", rest @ ..] => {
            let (options, program_args) = match rest.iter().position(|w| *w == "--") {
                Some(at) => (&rest[..at], &rest[at + 1..]),
                None => (rest, &[][..]),
            };
            let known = [
                "--release",
                "--locked",
                "--offline",
                "--frozen",
                "--quiet",
                "-q",
            ];
            if let Some(other) = options.iter().find(|o| !known.contains(o)) {
                return Err(format!(
                    "`cargo run {other}` has no rule: which binary and profile does it mean?"
                ));
            }
            Action::Run(args(program_args))
        }
        ["cargo", "test", ..] => {
            Action::Skip("runs the test suite, which this test is part of (CI runs it)")
        }
        ["cargo", "install", ..] => {
            Action::Skip("installs into ~/.cargo/bin, outside a temporary folder")
        }
        ["sudo", ..] | ["apt-get", ..] => Action::Skip("installs system packages, as root"),
        [program, ..] => {
            return Err(format!(
                "no rule runs or skips `{program}`: add one to `classify` in tests/docs.rs"
            ));
        }
    };
    if let Action::Run(args) = &action
        && let Some(placeholder) = args.iter().find(|a| is_placeholder(a))
    {
        return Ok(Action::Skip(if placeholder.contains("...") {
            SYNOPSIS_ANGLE
        } else {
            "a synopsis: it has a placeholder in capitals (FILE, PATH, NAME=VALUE) to fill in"
        }));
    }
    Ok(action)
}

const SYNOPSIS_ANGLE: &str = "a synopsis: it has a placeholder (`<...>` or `...`) to fill in";

/// Whether a command has a placeholder in angle brackets: `<key from your instructor>`.
fn has_angle_placeholder(command: &str) -> bool {
    command.split('<').skip(1).any(|after| {
        after.split_once('>').is_some_and(|(inside, _)| {
            !inside.is_empty()
                && inside
                    .chars()
                    .all(|c| c.is_alphanumeric() || " -_".contains(c))
        })
    })
}

/// A command without the environment assignments before it (`SNAPSHOTS=overwrite cargo ...`).
fn without_environment(words: &[String]) -> &[String] {
    let assignment = |w: &String| {
        w.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        })
    };
    let skip = words.iter().take_while(|w| assignment(w)).count();
    &words[skip..]
}

/// Whether an argument is a placeholder for the reader to fill in: `FILE`, `NAME=VALUE`,
/// `PATH...`, `<key from your instructor>`.
fn is_placeholder(arg: &str) -> bool {
    if arg.contains("...") {
        return true;
    }
    let bytes = arg.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        if !bytes[start].is_ascii_alphabetic() {
            start += 1;
            continue;
        }
        let end = start
            + bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
        let word = &arg[start..end];
        let file_name = bytes.get(end) == Some(&b'.');
        if word.len() >= 2
            && word.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
            && !file_name
        {
            return true;
        }
        start = end;
    }
    false
}

/// A command and its trailing comment: a `#` that starts a word outside quotes.
fn split_comment(line: &str) -> (&str, &str) {
    for (at, c) in line.char_indices() {
        let starts_word = at == 0 || line[..at].ends_with(char::is_whitespace);
        if c == '#' && starts_word && quoted(line, at).is_none() {
            return (line[..at].trim_end(), line[at + 1..].trim());
        }
    }
    (line.trim_end(), "")
}

/// Whether the character at `at` is quoted or escaped; `None` when a shell reads it bare.
fn quoted(line: &str, at: usize) -> Option<()> {
    let before = &line[..at];
    let escaped = before.ends_with('\\') && !before.ends_with("\\\\");
    (escaped || shell_words::split(before).is_err()).then_some(())
}

/// The first character outside quotes that a shell would read as syntax or expand.
fn unquoted_syntax(command: &str) -> Option<(usize, char)> {
    command
        .char_indices()
        .find(|&(at, c)| "()|&;<>$`*?".contains(c) && quoted(command, at).is_none())
        .map(|(at, c)| (command[..at].chars().count(), c))
}

// ---------------------------------------------------------------------------------------
// The temporary folder a document's commands run in.

struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(document: &str) -> Result<Self, Failed> {
        let slug: String = document
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let dir = std::env::temp_dir().join(format!("modsim-docs-{}-{slug}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = root();
        for folder in DATA {
            copy(&root.join(folder), &dir.join(folder))?;
        }
        for (file, answer) in STAND_INS {
            std::fs::copy(root.join(answer), dir.join(file))
                .map_err(|e| format!("stand-in {file}: {e}"))?;
        }
        Ok(Self { dir })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), Failed> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for path in entries(from) {
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}
