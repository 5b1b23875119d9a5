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
    /// Made of dictionary words, keyboard runs, sequences or repeats (the `zxcvbn` estimator):
    /// `score` percent of what random characters of its length would take to guess.
    Guessable { score: u32 },
    /// Begins or ends with whitespace (a blank line at the end of the file, a space).
    Whitespace { leading: bool, trailing: bool },
}

impl Weakness {
    /// Whether the secret must not be used at all (versus: should be replaced).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, Weakness::Short { .. } | Weakness::Whitespace { .. })
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
            Weakness::Guessable { score } => format!(
                "is made of words, keyboard runs, sequences or repeats (the zxcvbn estimator puts it at {score}% of the strength of random characters of its length)"
            ),
            Weakness::Whitespace { leading, trailing } => {
                let which = match (leading, trailing) {
                    (true, true) => "begins and ends",
                    (true, false) => "begins",
                    _ => "ends",
                };
                format!(
                    "{which} with whitespace (a space, a tab, or a blank line at the end of the file): sessctl uses the secret byte for byte (only one final newline is removed), so if the app strips it, every cookie the app signs verifies as bad_signature here and the app rejects every cookie sessctl mints"
                )
            }
        }
    }
}

/// Below this share of a random string's strength (see [`estimated_share`]), a secret is
/// guessable. Measured: 900 random secrets (`gen-secret`, 32 and 16 random bytes in hex)
/// scored 0.88 to 1.0; placeholders such as `CHANGE_THIS_SECRET_KEY_IN_PRODUCTION_12345`,
/// `your_cookie_secret_here_…`, `12345678901234567890123456789012` and `0123456789abcdef…`
/// 0.16 to 0.48.
const GUESSABLE_BELOW: f64 = 0.7;

/// The characters the estimator reads: the first 128. zxcvbn's time grows quickly with the
/// length of its input (it reads 100 characters at most anyway), so it is run on pieces of at
/// most 16 characters of this prefix; a secret whose first 128 characters are random is
/// not guessable, whatever follows.
pub const ESTIMATED_CHARS: usize = 128;

/// The longest piece given to zxcvbn at once: its guess counts are 64-bit and saturate near
/// 10^19, and a random piece of 16 characters is estimated at 10^16.
const PIECE: usize = 16;

/// How hard `text` is to guess as a share of what random characters of its length would be
/// (0.0 to 1.0), by the zxcvbn estimator: the first [`ESTIMATED_CHARS`] characters, split into
/// words at every character that is not a letter or a digit (`_`, `-`, spaces), each word cut
/// into pieces of at most 16 characters; each piece's estimated guesses (log10) against
/// zxcvbn's brute-force figure for its length (10 per character). `None` for a text with no
/// letters or digits.
pub fn estimated_share(text: &str) -> Option<f64> {
    let chars: Vec<char> = text.chars().take(ESTIMATED_CHARS).collect();
    let (mut estimated, mut random) = (0.0, 0.0);
    for word in chars.split(|c| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        for piece in word.chunks(PIECE) {
            let piece_text: String = piece.iter().collect();
            let length = piece.len() as f64;
            estimated += zxcvbn::zxcvbn(&piece_text, &[]).guesses_log10().clamp(0.0, length);
            random += length;
        }
    }
    (random > 0.0).then(|| estimated / random)
}

/// Everything wrong with `secret` (empty when it looks strong), worst first.
///
/// ```
/// use sessctl_cookie::secret::Secret;
/// use sessctl_cookie::strength::{weaknesses, Weakness};
///
/// assert!(weaknesses(&Secret::new("vJ3q9Xw-Lr7Tz1Kp_Mb5Nc8Hd2Yf6Gs4Ue0Ao9Wi3Q")).is_empty());
/// assert_eq!(weaknesses(&Secret::new("change-me-in-production-please-123")), [Weakness::Placeholder]);
/// let short = weaknesses(&Secret::new("hunter2"));
/// assert!(short.contains(&Weakness::TooShort { bytes: 7 }));
/// assert!(short.iter().any(Weakness::is_fatal));
/// println!("the secret {}", short[0].describe()); // never quotes the secret
/// ```
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
    } else if found.is_empty() || found.iter().all(|w| matches!(w, Weakness::Short { .. })) {
        // Words and sequences the shipped list and the markers do not know.
        let share = std::str::from_utf8(bytes.trim_ascii()).ok().and_then(estimated_share);
        if let Some(share) = share.filter(|s| *s < GUESSABLE_BELOW) {
            found.push(Weakness::Guessable { score: (share * 100.0).round() as u32 });
        }
    }
    let leading = bytes.first().is_some_and(u8::is_ascii_whitespace);
    let trailing = bytes.last().is_some_and(u8::is_ascii_whitespace);
    if leading || trailing {
        found.push(Weakness::Whitespace { leading, trailing });
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
    fn words_sequences_and_repeats_fail_by_the_estimator() {
        for placeholder in [
            "CHANGE_THIS_SECRET_KEY_IN_PRODUCTION_12345",
            "your_cookie_secret_here_please_make_it_long",
            "12345678901234567890123456789012",
            "0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "my-super-secret-cookie-key-for-the-app-2024",
            "qwertyuiopasdfghjklzxcvbnmqwertyuiop",
        ] {
            let found = check(placeholder);
            assert!(found.iter().any(|w| matches!(w, Weakness::Guessable { .. })), "{placeholder}: {found:?}");
            assert!(found.iter().any(Weakness::is_fatal), "{placeholder}");
        }
    }

    #[test]
    fn random_secrets_pass_the_estimator() {
        // 32 random bytes as gen-secret prints them, and in hex (64 characters); 16 in hex.
        for _ in 0..100 {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).unwrap();
            let secret = crate::secret::new_secret(32).unwrap();
            for text in [secret, hex::encode(bytes), hex::encode(&bytes[..16])] {
                let share = estimated_share(&text).unwrap();
                assert!(share >= GUESSABLE_BELOW, "{text}: {share}");
                assert!(!check(&text).iter().any(|w| matches!(w, Weakness::Guessable { .. })), "{text}");
            }
        }
    }

    #[test]
    fn the_estimator_reads_a_bounded_prefix() {
        // A megabyte of random base64 is estimated on its first 128 characters, quickly.
        let long: String = (0..25_000).map(|_| crate::secret::new_secret(32).unwrap()).collect();
        assert!(estimated_share(&long).unwrap() >= GUESSABLE_BELOW);
        assert_eq!(estimated_share("----"), None);
    }

    #[test]
    fn whitespace_around_the_secret_warns() {
        let secret = crate::secret::new_secret(32).unwrap();
        assert_eq!(check(&format!("{secret}\n")), [Weakness::Whitespace { leading: false, trailing: true }]);
        assert_eq!(check(&format!(" {secret}")), [Weakness::Whitespace { leading: true, trailing: false }]);
        assert!(!Weakness::Whitespace { leading: true, trailing: true }.is_fatal());
        assert_eq!(check(&secret), []);
    }

    #[test]
    fn length_and_variety() {
        assert!(check("0123456789abcdef0123456789abcdef").iter().any(|w| matches!(w, Weakness::Guessable { .. })));
        assert_eq!(check("a7Fq2LmZ9xR4tY8wP3kV6nB1cH5dJ0sQ"), []);
        assert_eq!(check("a7Fq2LmZ9xR4tY8wP3kV6nB1cH5dJ0s"), [Weakness::Short { bytes: 31 }]);
        assert_eq!(check("a7Fq2LmZ9xR4tY8"), [Weakness::TooShort { bytes: 15 }]);
        assert_eq!(check(&"ab".repeat(20)), [Weakness::Repetitive { distinct: 2 }]);
        assert!(!Weakness::Short { bytes: 20 }.is_fatal());
        assert!(Weakness::Published.is_fatal() && Weakness::TooShort { bytes: 3 }.is_fatal());
    }

    #[test]
    fn generated_secrets_are_strong() {
        for _ in 0..200 {
            let secret = crate::secret::new_secret(32).unwrap();
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
