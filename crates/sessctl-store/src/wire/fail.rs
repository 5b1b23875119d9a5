//! What a failed exchange with one node means ([`Fail`]): try again, an error reply, or final.
//! Shared by the connection (`conn`), its TLS handshake (`tls`) and everything above them.

use std::io;

use crate::error::{NetCause, ServerError, StoreError};

/// A failed exchange with Redis.
#[derive(Debug)]
pub(crate) enum Fail {
    /// The connection broke, timed out or was never made: trying again may help.
    Io { addr: String, error: io::Error },
    /// An error reply. The connection is still in step (every reply was read).
    Server { addr: String, command: String, error: ServerError },
    /// Anything else: final.
    Fatal(StoreError),
}

impl Fail {
    pub fn server(addr: &str, command: &str, error: ServerError) -> Fail {
        Fail::Server { addr: addr.to_string(), command: command.to_string(), error }
    }

    pub fn is_io(&self) -> bool {
        matches!(self, Fail::Io { .. })
    }

    pub fn timed_out(&self) -> bool {
        matches!(self, Fail::Io { error, .. } if matches!(error.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock))
    }

    /// True when the server accepted the connection and then closed or reset it.
    pub fn dropped_after_connect(&self) -> bool {
        matches!(self, Fail::Io { error, .. } if matches!(
            error.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof
        ))
    }

    /// The error for a connection that could not be made.
    pub fn into_connect_error(self) -> StoreError {
        match self {
            Fail::Io { addr, error } => StoreError::Unreachable { addr, cause: NetCause::of(&error) },
            other => other.into_error(),
        }
    }

    /// The error for a connection that broke while in use, or a refused command.
    pub fn into_error(self) -> StoreError {
        match self {
            Fail::Io { addr, error } => StoreError::Lost { addr, cause: NetCause::of(&error) },
            Fail::Server { addr, command, error } => StoreError::Refused { addr, command, error },
            Fail::Fatal(e) => e,
        }
    }
}
