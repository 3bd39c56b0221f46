/** Fuzzing tools for the protocol's decoders, also used by packages that read the protocol from streams. */
export { createSeededRandom, fuzzIterationsFromEnv, fuzzSeedFromEnv, type SeededRandom } from './seeded-random.ts'
export { mutateBytes } from './mutate-bytes.ts'
export { mutateJson } from './mutate-json.ts'
export { runFuzz, type FuzzOptions, type FuzzReport, type FuzzTarget } from './run-fuzz.ts'
export { readTargetCorpus, type TargetCorpus } from './fuzz-corpus.ts'
export { FUZZ_HANG_BOUND_MS, FUZZ_ITERATIONS } from './constants.ts'
export { fuzzTestCase } from './fuzz-test-case.ts'
export { encodeFrameView, toFrameView, type FrameView } from './frame-view.ts'
