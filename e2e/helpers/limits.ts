/** How long an `expect` (or a Firefox page's wait) may wait by default; see docs/testing.md, "Flaky specs and time limits". */
export const EXPECT_TIMEOUT_MS = 10_000;
