import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { FUZZ_ITERATIONS } from './constants.ts'
import { runFuzz, type FuzzTarget } from './run-fuzz.ts'
import { fuzzIterationsFromEnv, fuzzSeedFromEnv } from './seeded-random.ts'

/**
 * The body of one fuzz test: runs the target with this run's seed and checks that the
 * mutations reached both sides (some inputs still decode, others are refused), so a
 * mutator that only ever produces noise cannot pass unnoticed.
 */
export async function fuzzTestCase<T> (t: TestContext, target: FuzzTarget<T>): Promise<void> {
  const seed = fuzzSeedFromEnv()
  const iterations = fuzzIterationsFromEnv(FUZZ_ITERATIONS)
  const startedMs = performance.now()
  const report = await runFuzz(target, { seed, iterations })
  t.diagnostic(`${target.name}: seed ${seed}, ${report.inputs} inputs in ${Math.round(performance.now() - startedMs)} ms, ${report.accepted} accepted, rejected ${JSON.stringify(report.rejected)}`)
  assert.equal(report.inputs, iterations)
  assert.ok(report.accepted > 0, `seed ${seed}: no mutated input was accepted, the mutations are too coarse`)
  assert.ok(Object.values(report.rejected).some(count => count > 0), `seed ${seed}: no mutated input was rejected`)
}
