//! The posts in order of an instant (publication, report, removal), for the replay's merge.

use jiff::Timestamp;

use crate::scenario::Post;

/// The posts that have an instant under some key (publication, report, removal), in order of
/// that instant, ties in the posts' order.
#[derive(Debug)]
pub(super) enum PostOrder {
    /// Every post, in the posts' own order: posts files are usually written in order of time,
    /// and then no index is kept at all.
    AsWritten(usize),
    /// Post numbers, in order.
    Sorted(Vec<u32>),
}

impl PostOrder {
    /// Orders `posts` by `key`, leaving out the posts without an instant.
    pub(super) fn new(posts: &[Post], key: impl Fn(&Post) -> Option<Timestamp>) -> PostOrder {
        let mut last = None;
        let in_order = posts.iter().all(|p| match key(p) {
            Some(t) => last.replace(t).is_none_or(|before| before <= t),
            None => false,
        });
        if in_order {
            return PostOrder::AsWritten(posts.len());
        }
        PostOrder::Sorted(sorted_by(posts, key))
    }

    /// The number of the `i`-th post in order.
    pub(super) fn get(&self, i: usize) -> Option<usize> {
        match self {
            PostOrder::AsWritten(n) => (i < *n).then_some(i),
            PostOrder::Sorted(ix) => ix.get(i).map(|&p| p as usize),
        }
    }
}

/// The numbers of the posts that have an instant under `key`, sorted by it.
///
/// When every instant is a whole second and they span less than 2³² seconds (136 years), each
/// post's key packs into one `u64` (seconds from the earliest, then the post's number) and the
/// sort runs over those: no indirection into the posts, which at a million posts is most of
/// the cost. Otherwise the post numbers are sorted by looking their instants up.
fn sorted_by(posts: &[Post], key: impl Fn(&Post) -> Option<Timestamp>) -> Vec<u32> {
    let keyed = || {
        posts
            .iter()
            .zip(0u32..)
            .filter_map(|(p, i)| Some((key(p)?, i)))
    };
    // One pass: how many, the earliest and latest second, and whether all are whole seconds.
    let (count, earliest, latest, whole) = keyed().fold(
        (0usize, i64::MAX, i64::MIN, true),
        |(n, lo, hi, whole), (t, _)| {
            let second = t.as_second();
            (
                n + 1,
                lo.min(second),
                hi.max(second),
                whole && t.subsec_nanosecond() == 0,
            )
        },
    );
    let span = latest.saturating_sub(earliest);
    if whole && count > 0 && u32::try_from(span).is_ok() {
        let mut packed: Vec<u64> = Vec::with_capacity(count);
        packed.extend(
            keyed().map(|(t, i)| {
                ((t.as_second().saturating_sub(earliest) as u64) << 32) | u64::from(i)
            }),
        );
        packed.sort_unstable();
        let mut ix = Vec::with_capacity(count);
        // The low half of each key is the post's number.
        ix.extend(packed.iter().map(|&k| k as u32));
        return ix;
    }
    let mut ix: Vec<u32> = Vec::with_capacity(count);
    ix.extend(keyed().map(|(_, i)| i));
    let at = |i: u32| posts.get(i as usize).and_then(&key);
    // Keys are unique with the number, so an unstable sort gives the one order.
    ix.sort_unstable_by_key(|&i| (at(i), i));
    ix
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::PostId;
    use modsim_policy::LabelSet;

    fn post(id: usize, published: Timestamp, removed: Option<Timestamp>) -> Post {
        Post {
            id: PostId::from(format!("p{id}")),
            author: PostId::default(),
            published,
            reported: None,
            removed,
            labels: LabelSet::EMPTY,
            severity: 0,
            reach: 0,
            description: Box::default(),
            platform: None,
        }
    }

    /// The order every path must give: by instant, ties in the posts' order.
    fn expected(posts: &[Post], key: fn(&Post) -> Option<Timestamp>) -> Vec<usize> {
        let mut ix: Vec<usize> = (0..posts.len())
            .filter(|&i| key(&posts[i]).is_some())
            .collect();
        ix.sort_by_key(|&i| key(&posts[i]));
        ix
    }

    fn order(posts: &[Post], key: fn(&Post) -> Option<Timestamp>) -> Vec<usize> {
        let order = PostOrder::new(posts, key);
        (0..).map_while(|i| order.get(i)).collect()
    }

    /// Law: whichever way the posts are ordered (as written, packed keys, looked-up keys), the
    /// order is by instant with ties in the posts' order, and posts without the instant are
    /// left out.
    #[test]
    fn post_orders_are_by_instant_then_by_post() {
        let t = |s: i64, ns: i32| Timestamp::new(1_610_000_000 + s, ns).unwrap();
        let mut state = 7u64;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        for nanos in [false, true] {
            for len in [0, 1, 2, 17, 300] {
                let posts: Vec<Post> = (0..len)
                    .map(|i| {
                        let ns = if nanos { next(3) as i32 } else { 0 };
                        let published = t(next(50) as i64 * 60, ns);
                        let removed = (next(3) == 0).then(|| t(next(40) as i64 * 60 + 3600, 0));
                        post(i, published, removed)
                    })
                    .collect();
                for key in [
                    (|p: &Post| Some(p.published)) as fn(&Post) -> Option<Timestamp>,
                    |p: &Post| p.removed,
                ] {
                    assert_eq!(order(&posts, key), expected(&posts, key), "len {len}");
                }
                let mut sorted = posts.clone();
                sorted.sort_by_key(|p| p.published);
                let published = |p: &Post| Some(p.published);
                assert!(matches!(
                    PostOrder::new(&sorted, published),
                    PostOrder::AsWritten(_)
                ));
                assert_eq!(order(&sorted, published), (0..len).collect::<Vec<_>>());
            }
        }
    }

    /// Instants more than 2³² seconds apart take the looked-up path, in the same order.
    #[test]
    fn far_apart_instants_are_ordered_too() {
        let posts = vec![
            post(0, Timestamp::from_second(5_000_000_000).unwrap(), None),
            post(1, Timestamp::from_second(-5_000_000_000).unwrap(), None),
            post(2, Timestamp::from_second(0).unwrap(), None),
        ];
        let published = |p: &Post| Some(p.published);
        assert_eq!(order(&posts, published), vec![1, 2, 0]);
    }
}
