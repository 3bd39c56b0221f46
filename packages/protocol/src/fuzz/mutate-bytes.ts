import type { SeededRandom } from './seeded-random.ts'
import { MAX_MUTATIONS_PER_INPUT } from './constants.ts'

/** 32-bit values that sit on or next to the edges a length field is checked against. */
const EXTREME_U32 = [0, 1, 4, 5, 0x7f, 0xff, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff, 16 * 1024 * 1024, 16 * 1024 * 1024 + 1, 4 * 1024 * 1024 + 40]

/** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate half, past U+10FFFF, truncated. */
const INVALID_UTF8 = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xff], [0xfe, 0xff]]

type ByteMutation = (random: SeededRandom, input: Uint8Array) => Uint8Array

const splice = (input: Uint8Array, at: number, removed: number, inserted: ArrayLike<number>): Uint8Array => {
  const out = new Uint8Array(input.byteLength - removed + inserted.length)
  out.set(input.subarray(0, at), 0)
  out.set(inserted, at)
  out.set(input.subarray(at + removed), at + inserted.length)
  return out
}

const BYTE_MUTATIONS: ByteMutation[] = [
  function flipBit (random, input) {
    if (input.byteLength === 0) return random.bytes(1)
    const out = input.slice()
    const at = random.int(out.byteLength)
    out[at] = (out[at] ?? 0) ^ (1 << random.int(8))
    return out
  },
  function setRandomByte (random, input) {
    if (input.byteLength === 0) return random.bytes(1)
    const out = input.slice()
    out[random.int(out.byteLength)] = random.pick([0, 0x7f, 0x80, 0xff, random.int(256)])
    return out
  },
  function insertBytes (random, input) {
    return splice(input, random.int(input.byteLength + 1), 0, random.bytes(1 + random.int(8)))
  },
  function deleteBytes (random, input) {
    const at = random.int(input.byteLength + 1)
    return splice(input, at, Math.min(input.byteLength - at, 1 + random.int(16)), [])
  },
  function truncate (random, input) {
    return input.slice(0, random.int(input.byteLength + 1))
  },
  function duplicateSlice (random, input) {
    const at = random.int(input.byteLength + 1)
    const slice = input.slice(at, at + 1 + random.int(64))
    return splice(input, random.int(input.byteLength + 1), 0, slice)
  },
  function writeExtremeU32 (random, input) {
    // Big-endian like the wire; at 0 it is a frame's length field, elsewhere anything.
    const out = input.byteLength >= 4 ? input.slice() : new Uint8Array(5)
    const at = random.chance(0.5) ? 0 : random.int(out.byteLength - 3)
    new DataView(out.buffer).setUint32(at, random.pick(EXTREME_U32))
    return out
  },
  function insertInvalidUtf8 (random, input) {
    return splice(input, random.int(input.byteLength + 1), 0, random.pick(INVALID_UTF8))
  },
  function appendNoise (random, input) {
    const out = new Uint8Array(input.byteLength + 1 + random.int(256))
    out.set(input, 0)
    out.set(random.bytes(out.byteLength - input.byteLength), input.byteLength)
    return out
  },
  function replaceWithNoise (random) {
    return random.bytes(random.int(64))
  }
]

/** One to a few random byte-level mutations of `input` (never changed in place). */
export function mutateBytes (random: SeededRandom, input: Uint8Array): Uint8Array {
  let out = input
  const count = 1 + random.int(MAX_MUTATIONS_PER_INPUT)
  for (let i = 0; i < count; i++) out = random.pick(BYTE_MUTATIONS)(random, out)
  return out
}
