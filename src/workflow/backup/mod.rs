//! `--backup FILE` for revoke and cleanup, and the file `sessctl restore` reads back.
//!
//! Write-ahead: before each batch of compare-and-deletes is sent, one JSON line per session
//! of the batch is appended and synced to disk:
//!
//! ```text
//! {"key":"session:…","user":"42","ttl_ms":603512345,"time":"2026-11-29T20:01:02.345Z"}
//! ```
//!
//! `ttl_ms` is the remaining time to live when the session was read (`null`: no expiry),
//! `time` when the line was written. A key or user that is not UTF-8 is written as
//! `key_base64` / `user_base64` instead. After the batch, each session the compare-and-delete
//! did not delete (it had changed, or was gone already) gets a line `{"not_deleted":"…"}`, so
//! `restore` never brings back a session sessctl did not remove. A run that dies between the
//! two leaves the first line alone; `restore` then puts the session back only if it is gone.
//!
//! Each line ends with `"chain":"<hex>"`, the SHA-256 of the previous line's chain, a newline,
//! and the line as it would be without its chain (the first line's previous chain is empty):
//! an edited, reordered, removed or spliced-in line breaks the chain from there on, and
//! `restore` checks the whole file before it writes anything. A run appending to a file
//! continues its chain. A last line without its newline is a write cut short (the deletions
//! are sent only once the batch is on disk): the next run appending removes it, and `restore`
//! stops before it and says so.
//!
//! The file holds live session ids: bearer credentials. It is created with mode 0600, and
//! `restore` refuses one that others may read.
//!
//! The line format, its chain and its parsing are in `format`; writing is in `write`
//! ([`BackupFile`]), reading back for `restore` in `read` ([`Reader`]).

mod format;
mod read;
mod write;

pub use format::*;
pub use read::Reader;
pub use write::BackupFile;
