//! Tests of sweeps: Wilson intervals, the grid, shards merged and refused, the rows' columns, replicate seeds.

use super::*;

#[test]
fn wilson_intervals() {
    let (lo, hi) = wilson(50, 100);
    assert!(
        (lo - 0.4038).abs() < 1e-4 && (hi - 0.5962).abs() < 1e-4,
        "{lo} {hi}"
    );
    let (lo, hi) = wilson(0, 20);
    assert_eq!(lo, 0.0);
    assert!(hi > 0.1 && hi < 0.2);
    assert_eq!(wilson(0, 0), (0.0, 1.0));
}

#[test]
fn the_grid_is_the_product_first_axis_outermost() {
    let axes = vec![
        Axis {
            name: "a".into(),
            kind: AxisKind::Model,
            values: vec!["1".into(), "2".into()],
        },
        Axis {
            name: "b".into(),
            kind: AxisKind::Model,
            values: vec!["x".into(), "y".into(), "z".into()],
        },
    ];
    let g = grid(&axes);
    assert_eq!(g.len(), 6);
    assert_eq!(g[0], ["1", "x"]);
    assert_eq!(g[2], ["1", "z"]);
    assert_eq!(g[3], ["2", "x"]);
}

/// A shard of a sweep over two points, 10 replicates in 2 shards, one action with one
/// ground, one power.
fn shard(i: u32) -> (String, Tally) {
    let point = |value: &str| PointTally {
        values: vec![value.into()],
        n: 5,
        permitted: vec![3],
        permitted_on: vec![vec![2]],
        earliest: vec![vec![Some(1_610_244_000), None, None, Some(0), None]],
    };
    let tally = Tally {
        schema: SCHEMA.into(),
        scenario: "s".into(),
        axes: vec![Axis {
            name: "removal_delay_median".into(),
            kind: AxisKind::Model,
            values: vec!["1h".into(), "24h".into()],
        }],
        replicates: 10,
        deterministic: false,
        seed: 7,
        shard: Some((i, 2)),
        actions: vec!["aws suspend parler at 2021-01-10T23:59:00-08:00".into()],
        grounds: vec![vec!["6.1(b)".into()]],
        powers: vec!["aws 6.1(b)".into()],
        zone: "America/Los_Angeles".into(),
        points: vec![point("1h"), point("24h")],
    };
    (format!("part{i}.json"), tally)
}

#[test]
fn shards_merge_into_the_whole() {
    let whole = Tally::merge(vec![shard(2), shard(1)]).unwrap();
    assert_eq!(whole.shard, None);
    assert_eq!(whole.points[0].n, 10);
    assert_eq!(whole.points[1].permitted, [6]);
    assert_eq!(whole.points[0].earliest[0].len(), 10);
}

/// Each share has a column of its own: the share permitted only on `permitted` rows, the
/// share never open only on `earliest` rows (one `share` column used to hold both).
#[test]
fn each_share_has_its_own_column() {
    let csv = shard(1).1.to_csv().unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "point,removal_delay_median,replicates,kind,subject,permitted_share,permitted_ci_low,\
         permitted_ci_high,never_open_share,never_open_ci_low,never_open_ci_high,p10,p50,p90"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let kinds: Vec<&str> = rows.iter().map(|r| r[3]).collect();
    assert_eq!(
        kinds,
        ["permitted", "permitted_on", "earliest"].repeat(2),
        "{csv}"
    );
    // 3 of 5 permitted; 2 on 6.1(b); 3 of 5 never open.
    assert_eq!(&rows[0][5..11], ["0.6000", "0.2307", "0.8824", "", "", ""]);
    assert_eq!(rows[1][5], "0.4000");
    assert_eq!(&rows[2][5..8], ["", "", ""]);
    assert_eq!(rows[2][8], "0.6000");
    assert_eq!(&rows[2][9..11], ["0.2307", "0.8824"]);
    assert_eq!(
        rows[2][12], "never",
        "the median of 2 instants and 3 nevers"
    );
}

/// Regression (issue 13): `merge` trusted its inputs, so a shard count of `u32::MAX`
/// aborted, counts near `u32::MAX` wrapped, `permitted` above `n` gave shares over 1 and
/// a shard with fewer points was zipped short.
#[test]
fn tampered_or_mismatched_shards_are_refused() {
    type Tamper = fn(&mut Tally);
    let cases: &[(&str, Tamper)] = &[
        ("not a slice", |t| t.shard = Some((3, 2))),
        ("its slice of 10 is 0", |t| t.shard = Some((1, u32::MAX))),
        ("more permitted", |t| t.points[0].permitted[0] = u32::MAX),
        ("more permitted", |t| t.points[1].permitted_on[0][0] = 6),
        ("its axes make 2", |t| {
            t.points.pop();
        }),
        ("ran 4 replicates", |t| t.points[0].n = 4),
        ("one earliest instant", |t| {
            t.points[0].earliest[0].pop();
        }),
        ("do not match", |t| t.points[0].permitted.push(0)),
        ("the grid's point 2", |t| {
            t.points[1].values[0] = "72h".into()
        }),
        ("schema", |t| t.schema = "modsim.sweep/9".into()),
        ("zone", |t| t.zone = "Mars/Olympus".into()),
        ("given twice", |t| {
            let axis = t.axes[0].clone();
            t.axes.push(axis);
        }),
    ];
    for (expected, tamper) in cases {
        let (name, mut bad) = shard(1);
        tamper(&mut bad);
        let err = Tally::merge(vec![(name, bad), shard(2)]).unwrap_err();
        assert!(err.contains(expected), "{expected}: {err}");
    }
    let (name, mut other) = shard(2);
    other.seed = 8;
    let err = Tally::merge(vec![shard(1), (name, other)]).unwrap_err();
    assert!(err.contains("its seed differs"), "{err}");
    let err = Tally::merge(vec![shard(1)]).unwrap_err();
    assert!(err.contains("expected shards 1 to 2"), "{err}");
    let err = Tally::merge(vec![shard(1), shard(1)]).unwrap_err();
    assert!(err.contains("once each"), "{err}");
}

#[test]
fn replicate_seeds_differ_and_repeat() {
    assert_eq!(replicate_seed(7, 3), replicate_seed(7, 3));
    assert_ne!(replicate_seed(7, 3), replicate_seed(7, 4));
    assert_ne!(replicate_seed(7, 3), replicate_seed(8, 3));
}
