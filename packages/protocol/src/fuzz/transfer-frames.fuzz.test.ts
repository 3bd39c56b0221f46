import { test } from 'node:test'
import { frameFuzzTarget } from './fuzz-targets.ts'
import { fuzzTestCase } from './fuzz-test-case.ts'

test('the transfer frame decoder turns 100,000 mutated frame sequences into frames or typed errors, never a crash or hang', async (t) => {
  await fuzzTestCase(t, await frameFuzzTarget())
})
