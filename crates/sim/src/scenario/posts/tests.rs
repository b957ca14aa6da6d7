//! Tests of the posts CSV: each problem located.

use super::*;

/// Reads `csv` and returns each problem as `line:column-end column: message`.
fn problems(csv: &str) -> Vec<String> {
    let parties = ["host", "site"].map(|id| Party {
        id: id.into(),
        name: id.into(),
        account: None,
        zone: None,
    });
    let failure = read_posts("posts.csv", csv, &TimeZone::UTC, &parties).unwrap_err();
    failure
        .problems
        .iter()
        .map(|p| {
            let span = p.span.clone().unwrap();
            let (line, column) = p.line_column().unwrap();
            let underlined = csv.get(span).unwrap();
            format!("{line}:{column} `{underlined}`: {}", p.message)
        })
        .collect()
}

/// Found in issue 11: the locator searched the row for the value's text, so a `1` in the
/// `platform` column was underlined inside the id `p12`.
#[test]
fn r11_each_problem_underlines_its_own_field() {
    assert_eq!(
        problems("id,published,platform\np12,2021-01-01T00:00:00Z,1\n"),
        ["2:26 `1`: unknown party `1` (column `platform`)"]
    );
    assert_eq!(
        problems("id,published,severity,reach\np1,2021-01-01T00:00:00Z,1,1x\n"),
        ["2:27 `1x`: `1x` is not a whole number (column `reach`)"]
    );
    assert_eq!(
        problems("id,published,reported\n2021-01-02,2021-01-02T00:00:00Z,2021-01-01T00:00:00Z\n"),
        ["2:33 `2021-01-01T00:00:00Z`: post `2021-01-02` is reported before it is published"]
    );
}

#[test]
fn quotes_spaces_comments_and_line_ends_are_skipped() {
    assert_eq!(
        problems(
            "# posts\r\nid , published,reach\r\n# a comment\r\n\r\n\"p,1\",2021-01-01 00:00 ,\"x\" \r\n"
        ),
        ["5:26 `x`: `x` is not a whole number (column `reach`)"]
    );
    assert_eq!(
        problems("id,published,reported\np1,2021-01-01T00:00:00Z,\"not\nthen\"\n"),
        ["2:26 `not\nthen`: `not\nthen` is not a date and time (column `reported`)"]
    );
}

#[test]
fn an_unknown_column_is_underlined_in_the_header() {
    assert_eq!(
        problems("# posts\nid,published,platfrom\n"),
        ["2:14 `platfrom`: unknown column `platfrom`"]
    );
}

#[test]
fn whole_row_problems_underline_the_row() {
    assert_eq!(
        problems("id,published\n# skipped\n,2021-01-01T00:00:00Z\n"),
        ["3:1 `,2021-01-01T00:00:00Z`: a post has no id"]
    );
}
