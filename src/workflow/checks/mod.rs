//! `doctor`'s checks: one row per check (ok, warn or fail, a detail and a hint), for the config
//! file, the secret (`secret`) and Redis (`redis`, with the population under the prefix in
//! `population`). Read-only, and never prints the secret. docs/doctor.md describes each check.

mod check;
mod population;
mod redis;
mod secret;

use crate::config::Settings;

pub use check::{status_word, Check, Status};
pub use redis::redis_checks;
pub use secret::secret_checks;

/// The config file: a Redis password in it that group or others can read fails (the same
/// warning every command prints).
pub fn config_checks(settings: &Settings) -> Vec<Check> {
    const NAME: &str = "config-file";
    let Some(config) = &settings.config else { return Vec::new() };
    let shown = crate::output::path(&config.path);
    if let Some(problem) = config.password_exposed() {
        return vec![Check::fail(
            NAME,
            problem,
            format!("chmod 600 {shown}; anyone who read it has the Redis password, so change it on the server too"),
        )];
    }
    let profile = match &settings.profile {
        Some(p) => format!(", profile {}", p.name),
        None => ", no profile chosen".to_string(),
    };
    vec![Check::ok(NAME, format!("{shown} (mode {:04o}){profile}", config.mode))]
}
