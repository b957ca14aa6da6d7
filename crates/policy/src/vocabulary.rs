//! Closed vocabularies: the words a file may use for an action, a mark, a duty's trigger and
//! discharge, a holiday calendar, a scenario event's kind. Each is one enum, declared with
//! [`vocabulary!`](crate::vocabulary!), that the loaders deserialize into and that the JSON
//! Schemas are generated from, so the schema cannot disagree with the loader.
//!
//! A loader reads such a word as a [`Word`]: a word it does not know is kept as written, so
//! that it is reported located and with "did you mean" among every other problem of the file,
//! rather than stopping the reading at the first one. [`Word::check`] turns it into the enum
//! or that problem.
//!
//! Adding a word is one line in its enum's declaration (and a doc comment): its name in files,
//! its schema, its place in messages and suggestions all follow from it.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use toml::Spanned;

use crate::diagnostic::Problem;

/// A closed set of words a file may use, one per variant of an enum.
pub trait Vocabulary: Copy + Eq + 'static {
    /// What one word of it is called in messages: `mark`, `action`, `event kind`.
    const WHAT: &'static str;
    /// Every word, in the order of its declaration.
    const ALL: &'static [Self];

    /// The word as files write it.
    fn name(self) -> &'static str;

    /// The word a file wrote, if it is one of these.
    fn by_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|w| w.name() == name)
    }

    /// Every word as files write it, in order.
    fn names() -> impl Iterator<Item = &'static str> + Clone {
        Self::ALL.iter().map(|w| w.name())
    }
}

/// The message of an unknown word, as the strict [`Deserialize`] of a vocabulary gives it and
/// as [`crate::load::toml_problem`] reads it back: "unknown mark `x`, expected one of `a`, `b`".
pub fn unknown_message<V: Vocabulary>(word: &str) -> String {
    let names: Vec<String> = V::names().map(|n| format!("`{n}`")).collect();
    format!(
        "unknown {} `{word}`, expected one of {}",
        V::WHAT,
        names.join(", ")
    )
}

/// A word of vocabulary `V` as a file wrote it: known, or kept as written so that the checker
/// reports it with every other problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Word<V> {
    /// One of the vocabulary's words.
    Known(V),
    /// Anything else, as written.
    Unknown(String),
}

impl<V: Vocabulary> Word<V> {
    /// The word, or the problem of an unknown one: located, with "did you mean" when a known
    /// word is close and the list of them otherwise.
    pub fn check(word: &Spanned<Word<V>>) -> Result<V, Problem> {
        match word.get_ref() {
            Word::Known(v) => Ok(*v),
            Word::Unknown(text) => Err(Problem::error(
                format!("unknown {} `{text}`", V::WHAT),
                Some(word.span()),
            )
            .suggesting(text, V::names())),
        }
    }
}

impl<'de, V: Vocabulary> Deserialize<'de> for Word<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(WordVisitor(PhantomData))
    }
}

struct WordVisitor<V>(PhantomData<V>);

impl<V: Vocabulary> Visitor<'_> for WordVisitor<V> {
    type Value = Word<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} (a string)", V::WHAT)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Word<V>, E> {
        Ok(V::by_name(text).map_or_else(|| Word::Unknown(text.to_owned()), Word::Known))
    }
}

/// Reads a word strictly, for [`Deserialize`] impls of the vocabularies: an unknown word is an
/// error whose message [`unknown_message`] writes.
pub fn deserialize_strict<'de, V: Vocabulary, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<V, D::Error> {
    match Word::<V>::deserialize(deserializer)? {
        Word::Known(v) => Ok(v),
        Word::Unknown(text) => Err(de::Error::custom(unknown_message::<V>(&text))),
    }
}

/// Declares a closed vocabulary: an enum whose variants are words of a file, with its
/// [`Vocabulary`] impl, serde (`Serialize` as the word, a strict `Deserialize`) and a JSON
/// Schema listing every word with its doc comment.
///
/// ```
/// modsim_policy::vocabulary! {
///     /// How loud a warning is.
///     pub enum Loudness: "loudness" {
///         /// Whispered.
///         Quiet = "quiet",
///         /// Shouted.
///         Loud = "loud",
///     }
/// }
/// use modsim_policy::vocabulary::Vocabulary;
/// assert_eq!(Loudness::by_name("loud"), Some(Loudness::Loud));
/// assert_eq!(Loudness::Quiet.name(), "quiet");
/// ```
#[macro_export]
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: $what:literal {
            $( $(#[$variant_meta:meta])* $variant:ident = $word:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, schemars::JsonSchema)]
        $vis enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $word)] $variant, )+
        }

        impl $name {
            /// The word as files write it.
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }
        }

        impl $crate::vocabulary::Vocabulary for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$($name::$variant),+];

            fn name(self) -> &'static str {
                $name::name(self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.name())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::vocabulary::deserialize_strict(deserializer)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::vocabulary! {
        /// A test vocabulary.
        enum Colour: "colour" {
            /// Red.
            Red = "red",
            /// Dark blue.
            DarkBlue = "dark-blue",
        }
    }

    #[derive(Debug, serde::Deserialize)]
    struct Doc {
        loose: Spanned<Word<Colour>>,
        strict: Option<Colour>,
    }

    #[test]
    fn words_are_named_once() {
        assert_eq!(Colour::names().collect::<Vec<_>>(), ["red", "dark-blue"]);
        assert_eq!(Colour::by_name("dark-blue"), Some(Colour::DarkBlue));
        assert_eq!(Colour::by_name("Red"), None);
        assert_eq!(
            toml::Value::try_from(Colour::DarkBlue).unwrap(),
            toml::Value::String("dark-blue".into()),
            "serialized as its word"
        );
    }

    #[test]
    fn an_unknown_word_is_kept_and_reported_with_a_suggestion() {
        let doc: Doc = toml::from_str("loose = \"rde\"").unwrap();
        let problem = Word::check(&doc.loose).unwrap_err();
        assert_eq!(problem.message, "unknown colour `rde`");
        assert_eq!(problem.span, Some(8..13));
        assert_eq!(problem.help.as_deref(), Some("did you mean `red`?"));
        let doc: Doc = toml::from_str("loose = \"green\"").unwrap();
        assert_eq!(
            Word::check(&doc.loose).unwrap_err().help.as_deref(),
            Some("expected one of `red`, `dark-blue`")
        );
        let doc: Doc = toml::from_str("loose = \"red\"").unwrap();
        assert_eq!(Word::check(&doc.loose), Ok(Colour::Red));
    }

    #[test]
    fn a_strict_word_names_its_vocabulary() {
        let doc: Doc = toml::from_str("loose = \"red\"\nstrict = \"dark-blue\"").unwrap();
        assert_eq!(doc.strict, Some(Colour::DarkBlue));
        let err = toml::from_str::<Doc>("loose = \"red\"\nstrict = \"rde\"").unwrap_err();
        assert!(
            err.message()
                .starts_with("unknown colour `rde`, expected one of `red`, `dark-blue`"),
            "{}",
            err.message()
        );
        let problem = crate::load::toml_problem(&err);
        assert_eq!(problem.message, "unknown colour `rde`");
        assert_eq!(problem.help.as_deref(), Some("did you mean `red`?"));
        let err = toml::from_str::<Doc>("loose = 3").unwrap_err();
        assert!(err.message().contains("a colour"), "{}", err.message());
    }

    #[test]
    fn the_schema_lists_every_word() {
        let schema = schemars::schema_for!(Colour);
        let text = schema.as_value().to_string();
        assert!(
            text.contains("\"red\"") && text.contains("\"dark-blue\""),
            "{text}"
        );
        assert!(text.contains("Dark blue."), "{text}");
    }
}
