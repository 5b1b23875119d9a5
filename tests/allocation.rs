//! The test binary `allocation`: the test files that measure allocations with the counting
//! allocator of tests/meter (a `#[global_allocator]` is one per binary, so they are not in
//! `cli`, tests/main.rs). Test names are `<file>::<test>`.

mod meter;

#[global_allocator]
static METER: meter::Meter = meter::Meter;

mod fuzz_regressions;
mod resp_reader;
