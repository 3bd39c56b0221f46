import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AppError } from '../app-error.ts'
import { runFuzz, type FuzzTarget } from './run-fuzz.ts'

const seeds = [new TextEncoder().encode('{"a":[1,"x"]}')]
const target = (decode: FuzzTarget<unknown>['decode']): FuzzTarget<unknown> => ({ name: 'probe', seeds, mutation: 'json', decode, codes: ['PROTOCOL_INVALID_MESSAGE'] })

test('fails on a decoder that throws anything but a typed error, naming the seed to replay and the input', async () => {
  const decode = (input: Uint8Array): unknown => {
    const value: unknown = JSON.parse(new TextDecoder().decode(input))
    if (typeof value !== 'object' || value === null || !('a' in value)) throw new TypeError('boom')
    return value
  }
  await assert.rejects(runFuzz(target(decode), { seed: 7, iterations: 1000 }),
    (err: Error) => /P2PFT_FUZZ_SEED=7/.test(err.message) && /Input \(hex\): [0-9a-f]/.test(err.message))
})

test('fails on a typed error with a code the decoder may not use', async () => {
  const decode = (input: Uint8Array): unknown => {
    if (input.byteLength !== seeds[0]?.byteLength) throw new AppError('INTERNAL_ERROR', 'wrong code')
    return null
  }
  await assert.rejects(runFuzz(target(decode), { seed: 8, iterations: 1000 }), /not a typed error with an expected code/)
})

test('fails on an input whose decoding never ends, as a hang', async () => {
  const decode = async (input: Uint8Array): Promise<unknown> => {
    if (input.byteLength === seeds[0]?.byteLength) return null
    return await new Promise(() => {})
  }
  await assert.rejects(runFuzz(target(decode), { seed: 9, iterations: 1000, hangBoundMs: 50 }), /a hang/)
})

test('fails when a seed of the corpus no longer decodes', async () => {
  await assert.rejects(runFuzz(target(() => { throw new AppError('PROTOCOL_INVALID_MESSAGE', 'no') }), { seed: 1, iterations: 10 }), /a valid seed was rejected/)
})
