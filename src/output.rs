//! Table / JSON Lines / CSV / Prometheus rendering. Knows nothing about Redis.
