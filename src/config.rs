//! Flags + environment → one `Settings` value.
