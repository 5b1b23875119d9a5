//! The wire layer: everything that speaks the Redis protocol, behind this one edge. The rest
//! of `store/` uses only what is re-exported here.
//!
//! - `conn`: one connection (TCP, TLS, Unix socket), its handshake (AUTH, SELECT), sending
//!   pipelines and reading replies within a deadline per reply, raw reads for payloads that
//!   are not replies (an RDB after `SYNC`);
//! - `resp`: the RESP2 reader (zero-copy, bounded whatever the server sends) and writer;
//! - `tls`: rustls configuration (CA, client certificate, `#insecure`) and handshake;
//! - `retry`: the one retry policy ([`Attempts`], [`with_retry`]);
//! - `pipeline`: pipelined single-key commands routed by slot, with MOVED, ASK and NOSCRIPT
//!   handled ([`run_writes`], [`run_lookups`]), and the Lua [`Script`] type.
//!
//! Error replies are parsed once, into [`crate::store::ServerError`], when a reply is read.

mod conn;
mod pipeline;
mod resp;
mod retry;
mod tls;

pub(crate) use conn::{Addr, Conn, Endpoint, Fail, Limits};
pub(crate) use pipeline::{on_node, run_lookups, run_writes, Lookups, Outcome, Router, Script, Writes};
pub(crate) use resp::{push_array, push_bulk, push_cmd, push_uint, Reply, Tok};
pub(crate) use retry::{with_retry, Attempts, Next, RetryPolicy, Retrying};
pub(crate) use tls::{config as tls_config, TlsFiles};

/// Reads every RESP reply in `data`, handed to the reader `chunk` bytes at a time, and returns
/// how many were read before the data ended or a reply could not be read. The entry point of
/// the fuzz target (`fuzz/fuzz_targets/resp_reader.rs`): whatever `data` holds, this returns.
pub fn read_replies(data: &[u8], chunk: usize) -> usize {
    resp::read_all(data, chunk, None).0
}
