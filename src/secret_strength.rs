//! Is a cookie secret strong? Anyone who knows it can sign cookies the app accepts, and one
//! cookie is enough to test guesses offline (the HMAC of a known message), so a secret must be
//! long, random, and not a value someone published. Used by `sessctl doctor`.

use crate::secret::Secret;

/// The shipped list of published and placeholder secrets (`src/weak_secrets.txt`).
const KNOWN_WEAK: &str = include_str!("weak_secrets.txt");

/// Fragments that mark a placeholder or a deliberately insecure value, whatever surrounds them
/// (`django-insecure-…`, `change-me-in-production`). Six characters or more, so a random secret
/// contains one by chance with negligible probability.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "replaceme",
    "replace_me",
    "replace-me",
    "your_secret",
    "your-secret",
    "yoursecret",
    "generate_your_own",
    "insecure",
    "placeholder",
];

/// Bytes a secret needs to count as strong: 32, as `secrets.token_urlsafe(32)` and
/// `sessctl gen-secret` make.
pub const STRONG_BYTES: usize = 32;

/// Below this many bytes a secret is guessable (a failure, not a warning).
pub const MINIMUM_BYTES: usize = 16;

/// Fewer distinct bytes than this in a secret of any length means it was not drawn at random
/// (`aaaa…`, `0101…`); a random 32-byte secret has about 28.
pub const MINIMUM_DISTINCT: usize = 10;

/// What is wrong with a secret, worst first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakness {
    /// Equal to a value on the shipped list (docs, demos, common passwords).
    Published,
    /// Contains a placeholder marker (`change-me`, `insecure`…).
    Placeholder,
    /// Shorter than [`MINIMUM_BYTES`].
    TooShort { bytes: usize },
    /// At least [`MINIMUM_BYTES`] but shorter than [`STRONG_BYTES`].
    Short { bytes: usize },
    /// Fewer than [`MINIMUM_DISTINCT`] distinct bytes.
    Repetitive { distinct: usize },
}

impl Weakness {
    /// Whether the secret must not be used at all (versus: should be replaced).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, Weakness::Short { .. })
    }

    /// In words, never quoting the secret.
    pub fn describe(&self) -> String {
        match self {
            Weakness::Published => "is a published value (from docs, demos or common passwords)".into(),
            Weakness::Placeholder => {
                "looks like a placeholder (it contains a word such as change-me or insecure)".into()
            }
            Weakness::TooShort { bytes } => {
                format!("is {bytes} bytes long, guessable (at least {STRONG_BYTES} wanted)")
            }
            Weakness::Short { bytes } => format!("is {bytes} bytes long (at least {STRONG_BYTES} wanted)"),
            Weakness::Repetitive { distinct } => {
                format!(
                    "has only {distinct} distinct character{}, so it was not drawn at random",
                    if *distinct == 1 { "" } else { "s" }
                )
            }
        }
    }
}

/// Everything wrong with `secret` (empty when it looks strong).
pub fn weaknesses(secret: &Secret) -> Vec<Weakness> {
    let bytes = secret.expose();
    let mut found = Vec::new();
    let normalized = String::from_utf8_lossy(bytes.trim_ascii()).to_lowercase();
    if known_weak().any(|weak| weak.to_lowercase() == normalized) {
        found.push(Weakness::Published);
    } else if PLACEHOLDER_MARKERS.iter().any(|marker| normalized.contains(marker)) {
        found.push(Weakness::Placeholder);
    }
    if bytes.len() < MINIMUM_BYTES {
        found.push(Weakness::TooShort { bytes: bytes.len() });
    } else if bytes.len() < STRONG_BYTES {
        found.push(Weakness::Short { bytes: bytes.len() });
    }
    let mut seen = [false; 256];
    bytes.iter().for_each(|&b| seen[usize::from(b)] = true);
    let distinct = seen.iter().filter(|s| **s).count();
    if distinct < MINIMUM_DISTINCT && bytes.len() >= MINIMUM_BYTES {
        found.push(Weakness::Repetitive { distinct });
    }
    found
}

/// The values on the shipped list.
pub fn known_weak() -> impl Iterator<Item = &'static str> {
    KNOWN_WEAK.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<Weakness> {
        weaknesses(&Secret::new(text))
    }

    #[test]
    fn published_values_fail_whatever_their_length_or_case() {
        assert_eq!(check("61oETzKXQAGaYdkL5gEmGeJJFuYh7EQnp2XdTP1o/Vo="), [Weakness::Published]);
        assert_eq!(check("__TODO:_GENERATE_YOUR_OWN_RANDOM_VALUE_HERE__")[0], Weakness::Published);
        assert_eq!(check(" Super-Secret-Key\n")[0], Weakness::Published);
        assert_eq!(check("YOUR_SECRET_KEY")[0], Weakness::Published);
        assert!(check("secret").contains(&Weakness::TooShort { bytes: 6 }));
        assert!(known_weak().count() > 50);
        assert!(known_weak().all(|w| !w.starts_with('#') && w == w.trim()));
    }

    #[test]
    fn placeholders_fail() {
        assert_eq!(check("django-insecure-9x8c7v6b5n4m3q2w1e0r9t8y7u6i5o4p3a")[0], Weakness::Placeholder);
        assert_eq!(check("please-CHANGE-ME-before-going-to-production")[0], Weakness::Placeholder);
    }

    #[test]
    fn length_and_variety() {
        assert_eq!(check("0123456789abcdef0123456789abcdef"), []);
        assert_eq!(check("a7Fq2LmZ9xR4tY8wP3kV6nB1cH5dJ0s"), [Weakness::Short { bytes: 31 }]);
        assert_eq!(check("a7Fq2LmZ9xR4tY8"), [Weakness::TooShort { bytes: 15 }]);
        assert_eq!(check(&"ab".repeat(20)), [Weakness::Repetitive { distinct: 2 }]);
        assert!(!Weakness::Short { bytes: 20 }.is_fatal());
        assert!(Weakness::Published.is_fatal() && Weakness::TooShort { bytes: 3 }.is_fatal());
    }

    #[test]
    fn generated_secrets_are_strong() {
        for _ in 0..200 {
            let secret = crate::commands::gen_secret::new_secret(32).unwrap();
            assert_eq!(check(&secret), [], "{secret}");
        }
    }

    #[test]
    fn descriptions_never_quote_the_secret() {
        for w in check("super-secret-key") {
            assert!(!w.describe().contains("super-secret-key"));
        }
    }
}
