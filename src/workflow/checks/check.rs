//! One check's row (status, detail, hint) and how it renders; the note on where a setting
//! came from that several checks add.

use serde::Serialize;

use crate::config::{Origin, Settings};
use crate::output::{Accent, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

/// One row: the JSON object monitoring reads (`check`, `status`, `detail`, `hint`).
#[derive(Debug, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Status,
    pub detail: String,
    /// What to do about it; `null` when there is nothing to do.
    pub hint: Option<String>,
}

impl Check {
    pub fn ok(check: &'static str, detail: impl Into<String>) -> Check {
        Check { check, status: Status::Ok, detail: detail.into(), hint: None }
    }
    pub fn warn(check: &'static str, detail: impl Into<String>, hint: impl Into<String>) -> Check {
        Check { check, status: Status::Warn, detail: detail.into(), hint: Some(hint.into()) }
    }
    pub fn fail(check: &'static str, detail: impl Into<String>, hint: impl Into<String>) -> Check {
        Check { check, status: Status::Fail, detail: detail.into(), hint: Some(hint.into()) }
    }
}

impl Record for Check {
    fn columns() -> &'static [&'static str] {
        &["check", "status", "detail", "hint"]
    }
    fn fields() -> &'static [&'static str] {
        &["check", "status", "detail", "hint"]
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.check.to_string(),
            status_word(self.status).to_string(),
            self.detail.clone(),
            self.hint.clone().unwrap_or_default(),
        ]
    }
    fn accent(&self) -> Option<Accent> {
        Some(match self.status {
            Status::Ok => Accent::Good,
            Status::Warn => Accent::Warn,
            Status::Fail => Accent::Bad,
        })
    }
}

/// The status as the table shows it.
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Ok => "ok",
        Status::Warn => "warn",
        Status::Fail => "fail",
    }
}

/// Where a setting came from, for a detail: `(from SESSCTL_REDIS_URL, over the redis_url of
/// profile prod)`; empty for a default.
pub(crate) fn origin_note(settings: &Settings, key: &str) -> String {
    let origin = settings.origins.iter().find(|(n, _)| *n == key).map(|(_, o)| o.clone());
    let from = match origin {
        Some(Origin::Flag(flag)) => Some(format!("from {flag}")),
        Some(Origin::Env(var)) => Some(format!("from {var}")),
        Some(Origin::Profile(name)) => Some(format!("from profile {name}")),
        // SESSCTL_SECRET (the detail names it already) or a default.
        Some(Origin::Default) | None => None,
    };
    let over = settings.overridden(key).map(|profile| format!("over the {key} of profile {}", profile.name));
    match (from, over) {
        (Some(from), Some(over)) => format!(" ({from}, {over})"),
        (Some(one), None) | (None, Some(one)) => format!(" ({one})"),
        (None, None) => String::new(),
    }
}
