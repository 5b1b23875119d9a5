//! Errors that end a command, and the one mapping from error to exit status.

/// Exit statuses of the command-line contract.
pub mod exit {
    pub const OK: u8 = 0;
    pub const OPERATIONAL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INVALID: u8 = 3;
    pub const NOT_IN_REDIS: u8 = 4;
    pub const INTERRUPTED: u8 = 130;
    pub const TERMINATED: u8 = 143;
}

/// An error that ends the command with a status other than 1.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad flags or values, a missing secret, a refusal without `--yes`: exit 2.
    #[error("{0}")]
    Usage(String),
}

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// `verify`: some cookie failed the signature checks.
    Invalid,
    /// `verify`: signatures fine, some session gone from Redis.
    NotInRedis,
    /// Ctrl-C or SIGTERM: what was done so far has been reported, marked incomplete.
    Interrupted,
    /// The command ran to its end and its output is whole, but its verdict is a failure
    /// (`doctor`: a check failed): exit 1.
    Failed,
    /// The operator declined a confirmation (or typed the wrong number): nothing was done,
    /// nothing printed on stdout, exit 1.
    Declined,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => exit::OK,
            Outcome::Invalid => exit::INVALID,
            Outcome::NotInRedis => exit::NOT_IN_REDIS,
            // 130 after Ctrl-C, 143 after SIGTERM (128 + the signal).
            Outcome::Interrupted => crate::signals::exit_code(),
            Outcome::Failed | Outcome::Declined => exit::OPERATIONAL,
        }
    }

    /// The command's output is whole (everything but an interruption or a declined
    /// confirmation): `--output-file` replaces its target only then.
    pub fn output_is_whole(self) -> bool {
        !matches!(self, Outcome::Interrupted | Outcome::Declined)
    }
}

/// The exit status for an error: usage errors 2, everything else (Redis, I/O) 1.
pub fn code_for(error: &anyhow::Error) -> u8 {
    if error.chain().any(|e| e.downcast_ref::<Failure>().is_some()) {
        exit::USAGE
    } else {
        exit::OPERATIONAL
    }
}

/// Shorthand for a usage error.
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    Failure::Usage(message.into()).into()
}
