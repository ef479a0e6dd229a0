/** How long an `expect` (or a Firefox page's wait) may wait by default; see the README's "Time limits". */
export const EXPECT_TIMEOUT_MS = 10_000;
