/** Fuzzing knobs; each says why it has its value. */

/** Inputs per decoder and run: the floor, and still seconds per decoder on a 2-core CI machine. */
export const FUZZ_ITERATIONS = 100_000
/**
 * One input taking longer than this counts as a hang (catastrophic regex backtracking, an
 * endless loop, a read that never ends): far beyond any honest decode, so load cannot trip it.
 */
export const FUZZ_HANG_BOUND_MS = 5_000
/** Mutations applied to one seed before it is decoded: several stack into odd shapes, many wreck it into noise. */
export const MAX_MUTATIONS_PER_INPUT = 4
/** Length of a hostile oversized string: past every maxLength in the schemas, small enough to run 100k times. */
export const OVERSIZED_STRING_LENGTH = 70_000
/** Elements of a hostile huge array: past every maxItems in the schemas except MAX_FILES. */
export const HUGE_ARRAY_LENGTH = 20_000
/** Nesting of a hostile deep JSON value: JSON.stringify overflows its stack from about 5,000. */
export const DEEP_NESTING_LEVELS = 10_000
/** Bytes of a failing input printed in its report (the rest is elided). */
export const REPORTED_INPUT_BYTES = 512
