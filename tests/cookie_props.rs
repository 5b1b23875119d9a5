//! Properties of the cookie core: what sessctl signs it verifies (v1, v2, key rings, any
//! names, payloads and secrets), `decode` reads back what was signed, no input panics, any
//! one-byte edit of a signed value is refused, and every pasted form of a value extracts to it.

use proptest::prelude::*;
use sessctl_cookie::secret::{KeyRing, Secret};
use sessctl_cookie::{self as cookie, input, Verifier, VerifyError};
use std::collections::BTreeMap;

const NOW: f64 = 1_700_000_000.5;

fn name() -> impl Strategy<Value = String> {
    // ASCII names (Tornado's v2 length prefix counts characters, so only ASCII names round
    // trip; `non_ascii_names_do_not_round_trip_as_in_tornado` covers the rest)
    "[ -~]{0,24}"
}

fn secret() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..80)
}

fn payload() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..100)
}

/// A timestamp the default 31-day age accepts (v1 also refuses > 31 days ahead).
fn fresh_timestamp() -> impl Strategy<Value = i64> {
    (NOW as i64 - 30 * 86400)..(NOW as i64 + 30 * 86400)
}

fn ring() -> impl Strategy<Value = BTreeMap<i64, Vec<u8>>> {
    proptest::collection::btree_map(any::<i64>(), secret(), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn v2_round_trips(secret in secret(), kv in any::<i64>(), name in name(),
                      value in payload(), ts in fresh_timestamp()) {
        let signed = cookie::sign_v2(&secret, kv, &name, &value, ts);
        let ring = KeyRing::Single(Secret::new(secret));
        let got = cookie::verify(&ring, &name, signed.as_bytes(), 31.0, NOW).unwrap();
        prop_assert_eq!(got.value, value.clone());
        prop_assert_eq!(got.format_version, 2);
        prop_assert_eq!(got.key_version, Some(kv));
        prop_assert_eq!(got.timestamp, Some(ts));
        let decoded = cookie::decode(signed.as_bytes()).unwrap();
        prop_assert_eq!(decoded.format_version, 2);
        prop_assert_eq!(decoded.key_version, Some(kv));
        prop_assert_eq!(decoded.timestamp, Some(ts));
        prop_assert_eq!(decoded.name, Some(name.into_bytes()));
        prop_assert_eq!(decoded.value, Some(value));
        prop_assert_eq!(decoded.signature.len(), 64);
    }

    #[test]
    fn v1_round_trips(secret in secret(), name in name(), value in payload(),
                      ts in fresh_timestamp()) {
        let signed = cookie::sign_v1(&secret, &name, &value, ts);
        let ring = KeyRing::Single(Secret::new(secret));
        let got = cookie::verify(&ring, &name, signed.as_bytes(), 31.0, NOW).unwrap();
        prop_assert_eq!(&got.value, &value);
        prop_assert_eq!((got.format_version, got.key_version, got.timestamp), (1, None, Some(ts)));
        let decoded = cookie::decode(signed.as_bytes()).unwrap();
        prop_assert_eq!((decoded.format_version, decoded.timestamp), (1, Some(ts)));
        prop_assert_eq!(decoded.value, Some(value));
        // and a key ring never accepts a v1 value
        let ring = KeyRing::Versions([(0, Secret::new("x"))].into());
        let refused = cookie::verify(&ring, &name, signed.as_bytes(), 31.0, NOW);
        prop_assert!(matches!(refused, Err(VerifyError::Malformed(_))));
    }

    #[test]
    fn key_rings_pick_the_signing_version(keys in ring(), pick in any::<prop::sample::Index>(),
                                         name in name(), value in payload(),
                                         ts in fresh_timestamp(), missing in any::<i64>()) {
        let versions: Vec<i64> = keys.keys().copied().collect();
        let kv = versions[pick.index(versions.len())];
        let ring = KeyRing::Versions(keys.iter().map(|(v, s)| (*v, Secret::new(s.clone()))).collect());
        let signed = cookie::sign_v2(&keys[&kv], kv, &name, &value, ts);
        let verifier = Verifier::new(&ring, &name, 31.0);
        let got = verifier.verify(signed.as_bytes(), NOW).unwrap();
        prop_assert_eq!(got.value, value.clone());
        prop_assert_eq!(got.key_version, Some(kv));
        if !keys.contains_key(&missing) {
            let other = cookie::sign_v2(&keys[&kv], missing, &name, &value, ts);
            prop_assert_eq!(
                verifier.verify(other.as_bytes(), NOW),
                Err(VerifyError::UnknownKeyVersion(missing.to_string()))
            );
        }
    }

    #[test]
    fn wrong_secret_name_and_age_are_refused(secret in secret(), other in secret(),
                                            name in name(), other_name in name(),
                                            value in payload(), age in 1i64..10_000_000) {
        let signed = cookie::sign_v2(&secret, 0, &name, &value, NOW as i64 - age);
        let ring = KeyRing::Single(Secret::new(secret.clone()));
        // HMAC pads short keys with zeros: "k" and "k\0" are the same key
        let strip = |k: &[u8]| k.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
        if other[..strip(&other)] != secret[..strip(&secret)] {
            let wrong = KeyRing::Single(Secret::new(other));
            prop_assert_eq!(
                cookie::verify(&wrong, &name, signed.as_bytes(), 31.0, NOW),
                Err(VerifyError::BadSignature)
            );
        }
        if other_name != name {
            let got = cookie::verify(&ring, &other_name, signed.as_bytes(), 31.0, NOW);
            prop_assert!(matches!(got, Err(VerifyError::WrongName { .. })), "{:?}", got);
        }
        let max_age_days = (age as f64 - 1.0) / 86400.0;
        let got = cookie::verify(&ring, &name, signed.as_bytes(), max_age_days, NOW);
        prop_assert!(matches!(got, Err(VerifyError::Expired { .. })), "{:?}", got);
        let max_age_days = (age as f64 + 1.0) / 86400.0;
        prop_assert!(cookie::verify(&ring, &name, signed.as_bytes(), max_age_days, NOW).is_ok());
    }

    #[test]
    fn any_one_byte_edit_is_refused(secret in secret(), name in name(), value in payload(),
                                    ts in fresh_timestamp(), v1 in any::<bool>(),
                                    at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let signed = if v1 {
            cookie::sign_v1(&secret, &name, &value, ts)
        } else {
            cookie::sign_v2(&secret, 0, &name, &value, ts)
        };
        let mut edited = signed.into_bytes();
        let i = at.index(edited.len());
        prop_assume!(edited[i] != byte);
        edited[i] = byte;
        let ring = KeyRing::Single(Secret::new(secret));
        prop_assert!(cookie::verify(&ring, &name, &edited, 31.0, NOW).is_err());
    }

    #[test]
    fn no_input_panics(input in proptest::collection::vec(any::<u8>(), 0..300),
                       prefix in prop::sample::select(vec![&b""[..], b"2|", b"2|1:0|", b"1|", b"QQ==|"]),
                       max_age_days in prop::sample::select(vec![31.0, 0.0, -1.0, f64::NAN, f64::INFINITY, 1e308]),
                       now in prop::sample::select(vec![NOW, 0.0, -1e300, 1e300, f64::NAN])) {
        let cookie = [prefix, &input[..]].concat();
        let single = KeyRing::Single(Secret::new("s"));
        let ring = KeyRing::Versions([(0, Secret::new("a")), (1, Secret::new("b"))].into());
        let _ = cookie::verify(&single, "session_id", &cookie, max_age_days, now);
        let _ = cookie::verify(&ring, "session_id", &cookie, max_age_days, now);
        let _ = cookie::decode(&cookie);
        let _ = input::extract(&cookie, "session_id");
    }

    #[test]
    fn every_pasted_form_extracts_the_value(secret in secret(), value in payload(),
                                            ts in fresh_timestamp(), v1 in any::<bool>(),
                                            other in "[a-z_]{1,8}=[A-Za-z0-9]{0,8}") {
        let signed = if v1 {
            cookie::sign_v1(&secret, "session_id", &value, ts)
        } else {
            cookie::sign_v2(&secret, 0, "session_id", &value, ts)
        };
        let forms = [
            signed.clone(),
            format!("  {signed}\r\n"),
            format!("\"{signed}\""),
            format!("session_id={signed}"),
            format!("session_id=\"{signed}\""),
            format!("{other}; session_id=\"{signed}\""),
            format!("Cookie: {other}; session_id=\"{signed}\"; {other}"),
            format!("Set-Cookie: session_id=\"{signed}\"; expires=Tue, 05 Dec 2023 22:13:20 GMT; HttpOnly; Path=/"),
        ];
        for form in &forms {
            prop_assert_eq!(
                input::extract(form.as_bytes(), "session_id"),
                Some(signed.clone().into_bytes()),
                "form {:?}", form
            );
        }
        prop_assert_eq!(input::extract(format!("Cookie: {other}").as_bytes(), "session_id"), None);
    }
}

#[test]
fn non_ascii_names_do_not_round_trip_as_in_tornado() {
    // create_signed_value writes len(name) in characters; decode_signed_value slices bytes.
    let signed = cookie::sign_v2(b"k", 0, "s\u{e9}ssion", b"v", NOW as i64);
    assert!(signed.contains("|7:s\u{e9}ssion|"));
    let ring = KeyRing::Single(Secret::new("k"));
    let got = cookie::verify(&ring, "s\u{e9}ssion", signed.as_bytes(), 31.0, NOW);
    assert!(matches!(got, Err(VerifyError::Malformed(_))), "{got:?}");
    // v1 has no length prefix, so any name works there
    let signed = cookie::sign_v1(b"k", "s\u{e9}ssion", b"v", NOW as i64);
    assert!(cookie::verify(&ring, "s\u{e9}ssion", signed.as_bytes(), 31.0, NOW).is_ok());
}
