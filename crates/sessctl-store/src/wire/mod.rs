//! The wire layer: everything that speaks the Redis protocol, behind this one edge. The rest
//! of `store/` uses only what is re-exported here.
//!
//! - `conn`: one connection (TCP, TLS, Unix socket), its handshake (AUTH, SELECT), sending
//!   pipelines and reading replies within a deadline per reply, raw reads for payloads that
//!   are not replies (an RDB after `SYNC`);
//! - `resp`: the RESP2 reader (zero-copy, bounded whatever the server sends) and writer;
//! - `fail`: what a failed exchange means ([`Fail`]), shared by `conn`, `tls` and the rest;
//! - `tls`: rustls configuration (CA, client certificate, `#insecure`) and handshake;
//! - `retry`: the one retry policy ([`Attempts`], [`with_retry`]);
//! - `pipeline`: pipelined single-key commands routed by slot, with MOVED, ASK and NOSCRIPT
//!   handled ([`run_writes`], [`run_lookups`]), and the Lua [`Script`] type;
//! - `router`: what the pipelines need from the topology ([`Router`]);
//! - `confirm`: confirming writes with replicas (`WAIT`, then `ROLE`).
//!
//! Error replies are parsed once, into [`crate::error::ServerError`], when a reply is read.

mod confirm;
mod conn;
mod fail;
mod pipeline;
mod resp;
mod retry;
mod router;
mod tls;

pub(crate) use confirm::{role, Role};
pub(crate) use conn::{Addr, Conn, Endpoint, Limits};
pub(crate) use fail::Fail;
pub(crate) use pipeline::{on_node, run_lookups, run_writes, Lookups, Outcome, Script, Writes};
pub use resp::ReadReport;
pub(crate) use resp::{push_array, push_bulk, push_cmd, push_uint, Reply, Tok};
pub(crate) use retry::{with_retry, Attempts, Next, RetryPolicy, Retrying};
pub(crate) use router::Router;
pub(crate) use tls::{config as tls_config, TlsFiles};

/// Reads every RESP reply in `data`, handed to the reader `chunk` bytes at a time (as a socket
/// would), until the data ends or a reply cannot be read. The entry point of the fuzz target
/// (`fuzz/fuzz_targets/resp_reader.rs`) and of the reader's property tests
/// (`tests/resp_reader.rs`): whatever `data` holds, this returns.
#[doc(hidden)]
pub fn read_replies(data: &[u8], chunk: usize) -> ReadReport {
    resp::read_report(data, chunk)
}
