//! sessctl: operate the Redis-backed logins of Tornado apps that use `tornado-auth-sessions`.
//!
//! The library is usable without the binary: [`cookie`] signs and verifies Tornado signed
//! values in-process, [`store`] talks to Redis.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod help;
pub mod messages;
pub mod output;
pub mod signals;
pub mod sink;
pub mod terminal;
pub mod values;
pub mod workflow;
