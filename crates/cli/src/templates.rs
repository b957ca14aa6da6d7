//! The starting files `modsim new` writes: commented, small, and valid as they stand (a test
//! runs each).

/// A policy whose roles and labels fit the seed scenario, so it replays there at once.
pub const POLICY: &str = r#"# A policy: one document (terms of service, a hosting contract, guidelines) at one version.
# The format is documented in docs/policy-format.md. Try it on the seed scenario:
#   modsim run --policy NAME.toml

[policy]
id = "my-policy"
title = "My policy (a starting point)"
source = "where the text comes from: a document, a version, a date"
holidays = "us-federal"          # the calendar business days are counted against

# Roles the policy speaks of; a scenario binds them to parties (the seed binds these two).
[roles]
provider = "the party that offers the service"
customer = "the party that uses it, responsible for its users' content"

# Content labels the rules may test.
[labels]
incitement = "encourages or incites violence"
threat = "threatens violence against a person or group"
hate = "targets people for who they are"

# Named values, overridable with --set NAME=VALUE.
[parameters]
takedown_window = { value = "2 business days", about = "time to remove reported prohibited content" }
termination_notice = { value = "30 calendar days", about = "advance notice before termination" }

# Judgment calls: a party's own determination, held as an assumption (--assume NAME=true).
[assumptions.provider_found_risk]
question = "Did the provider determine that the customer's use posed a risk of harm?"
default = false
clause = "3"

# Each clause: an id, a title, a paraphrase of its text, its source, and how sure we are of it
# (record, reported, inferred). A clause may prohibit content, create a duty, or a power.
[[clause]]
id = "1"
title = "No violent content"
text = "The customer's content must not incite or threaten violence."
source = "§1"
mark = "record"
prohibits = 'post.labels.exists(l, l in ["incitement", "threat", "hate"])'

[[clause]]
id = "2"
title = "Takedown after a report"
text = "The customer removes reported prohibited content within the takedown window."
source = "§2"
mark = "record"
duty = { holder = "customer", opens = "reported", within = "takedown_window", met_by = "removed" }

[[clause]]
id = "3"
title = "Suspension"
text = "The provider may suspend the customer upon notice if the customer is in breach of §2, or if it determines a risk of harm."
source = "§3"
mark = "record"
power = { holder = "provider", action = "suspend", against = "customer", when = 'breached("2") || assumptions.provider_found_risk', notice = "immediate" }

[[clause]]
id = "4"
title = "Termination"
text = "The provider may terminate on advance notice while the customer's breach continues."
source = "§4"
mark = "record"
power = { holder = "provider", action = "terminate", against = "customer", when = 'available("3")', notice = "termination_notice" }
"#;

/// A scenario's own file; it puts `policy.toml` beside it in force.
pub const SCENARIO: &str = r#"# A scenario: parties, the policies that bind them, posts, notices and actions to judge.
# The format is documented in docs/scenario-format.md. Replay it with:
#   modsim run NAME

[scenario]
id = "my-scenario"
title = "My scenario (a starting point)"
zone = "America/Los_Angeles"     # instants are shown, and calendar days counted, here

[parties]
host = "Example Hosting, Inc."
site = "Example Site LLC"

# Which party plays which role of the policies.
[roles]
provider = "host"
customer = "site"

[[policy]]
file = "policy.toml"

# The posts: ids, times, labels and a neutral description, never the text of a post.
[posts]
file = "posts.csv"
reported_by = "host"
reported_to = "site"
mark = "inferred"                # record, reported, inferred or reconstructed

[[event]]
at = "2021-01-09 18:00"           # wall-clock time in the zone, or RFC 3339 with an offset
kind = "notice"
from = "host"
to = "site"
summary = "the host tells the site it will suspend the service"
mark = "inferred"

[[event]]
at = "2021-01-10 23:59"
kind = "action"
actor = "host"
action = "suspend"
against = "site"
summary = "the host suspends the site"
mark = "inferred"

# What the facts rest on.
[provenance]
inferred = ["every post and event of this starting scenario is an example"]
"#;

/// The posts of the starting scenario.
pub const POSTS: &str = "# Example posts: ids, times, labels and neutral descriptions only.
id,published,reported,removed,labels,description
p1,2021-01-04 10:00,2021-01-05 09:00,2021-01-05 15:00,threat,an example threat removed within the day
p2,2021-01-06 12:00,2021-01-07 09:00,,incitement,an example call to violence left up
p3,2021-01-08 08:00,,,,an example post with no label
";

/// An exercise about a scenario; `SCENARIO_PATH` is replaced with the path from the
/// exercise's folder.
pub const EXERCISE: &str = r#"# An exercise: the run a question is about. Keep the expected results in key.toml, apart
# from the hand-out, and grade with:
#   modsim test NAME/exercise.toml --answers NAME/key.toml
[exercise]
id = "my-exercise"
title = "Was the suspension permitted, and on which clause?"
scenario = "SCENARIO_PATH"
# policies = ["a student's policy replaces these with --policy"]
# reforms = ["..."]
# assume = { aws_determined_risk = false }
"#;

/// The hand-out of the exercise.
pub const HANDOUT: &str = "# My exercise

The question, the command to run (`modsim run ...`), and what to look at in its verdicts,
earliest instants and duties. Say which facts are reconstructed.
";

/// The key of the exercise: expected results about the seed scenario.
pub const KEY: &str = r#"# The key (instructors only): one [[expect]] per expected result, each with the message a
# student sees when their answer misses it.
[answers]
exercise = "my-exercise"

[[expect]]
verdict = "aws suspend parler"
permitted = true
grounds_include = ["6.1(b)"]
message = "Look at the duties in breach at the instant of the suspension."

[[expect]]
earliest = "7.2(b)(ii)"
at = "2021-01-09 18:00"
message = "When did the right to suspend under §6 open, and what needed notice?"
"#;
