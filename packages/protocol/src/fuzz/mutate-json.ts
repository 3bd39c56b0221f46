import { DEEP_NESTING_LEVELS, HUGE_ARRAY_LENGTH, MAX_MUTATIONS_PER_INPUT, OVERSIZED_STRING_LENGTH } from './constants.ts'
import { mutateBytes } from './mutate-bytes.ts'
import type { SeededRandom } from './seeded-random.ts'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/**
 * Big hostile values, as JSON text built once: in the value they stand as a marker string
 * that is swapped for the text after stringifying, so each input costs no more to make
 * than a small one (and values too deep for JSON.stringify can be used at all).
 */
const BIG_TEXTS = [
  JSON.stringify('x'.repeat(OVERSIZED_STRING_LENGTH)),
  JSON.stringify(Array.from({ length: HUGE_ARRAY_LENGTH }, (_, i) => i)),
  JSON.stringify(Array.from({ length: HUGE_ARRAY_LENGTH }, () => ({}))),
  '['.repeat(DEEP_NESTING_LEVELS) + ']'.repeat(DEEP_NESTING_LEVELS),
  '{"a":'.repeat(DEEP_NESTING_LEVELS) + '1' + '}'.repeat(DEEP_NESTING_LEVELS)
]
const bigMarker = (index: number): string => `~fuzz-big-${index}~`
const BIG_MARKER = /"~fuzz-big-(\d)~"/g

/** Keys that have tripped JavaScript code before: prototype pollution and inherited names. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'type', 'x'.repeat(300)]

/** Values of every other type, edges of the number line, and strings that mean trouble somewhere. */
const SMALL_HOSTILE_VALUES: Json[] = [
  null, true, false, 0, -1, 1.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), 4294967296, 65536,
  '', ' ', '0', 'true', 'null', '\u0000', '\ud800', '\udfff\ud800', '\u202e', '\u200f', '../../etc/passwd', '/etc/passwd',
  'C:\\x', 'a/../b', '%00', 'é'.repeat(300), '\n', '__proto__', '{"type":"hello"}', 'A'.repeat(65),
  [], {}, [null], [[]], { __proto__: null } as unknown as Json
]

/** Every place in `value` a mutation can target: the path of keys/indexes to it. */
function collectPaths (value: Json, path: Array<string | number>, out: Array<Array<string | number>>): void {
  out.push(path)
  if (Array.isArray(value)) value.forEach((item, index) => { collectPaths(item, [...path, index], out) })
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) collectPaths(value[key] as Json, [...path, key], out)
}

function getAt (root: Json, path: Array<string | number>): Json {
  let node: Json = root
  for (const step of path) node = (node as Record<string | number, Json>)[step] as Json
  return node
}

/** Sets an own, enumerable property even for `__proto__`, so JSON.stringify writes it as a key. */
function defineKey (target: object, key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true })
}

function hostileValue (random: SeededRandom, current: Json): Json {
  if (random.chance(0.01)) return bigMarker(random.int(BIG_TEXTS.length))
  if (random.chance(0.15)) {
    // Type confusion with the value's own content: a number as text, text as a number, wrapped.
    if (typeof current === 'number') return String(current)
    if (typeof current === 'string') return Number(current.length)
    return [current]
  }
  // A copy: later mutations change values in place, and the table must stay as it is.
  return structuredClone(random.pick(SMALL_HOSTILE_VALUES))
}

function mutateOnce (random: SeededRandom, root: Json): Json {
  const paths: Array<Array<string | number>> = []
  collectPaths(root, [], paths)
  const path = random.pick(paths)
  const target = getAt(root, path)
  const isContainer = target !== null && typeof target === 'object'
  if (isContainer && random.chance(0.35)) {
    const keys = Object.keys(target)
    if (Array.isArray(target)) {
      if (target.length > 0 && random.chance(0.5)) target.splice(random.int(target.length), 1)
      else target.push(structuredClone(target[0] ?? hostileValue(random, null)))
    } else if (keys.length > 0 && random.chance(0.4)) {
      Reflect.deleteProperty(target, random.pick(keys))
    } else {
      const key = random.pick(HOSTILE_KEYS)
      const polluter: Json = random.chance(0.5) ? { polluted: true } : { prototype: { polluted: true } }
      defineKey(target, key, random.chance(0.7) ? polluter : hostileValue(random, null))
    }
    return root
  }
  const replacement = hostileValue(random, target)
  if (path.length === 0) return replacement
  const parent = getAt(root, path.slice(0, -1))
  defineKey(parent as object, path[path.length - 1] as string | number, replacement)
  return root
}

const encoder = new TextEncoder()

/**
 * A hostile variant of a valid message (JSON text) as UTF-8 JSON bytes: type confusion, missing and
 * extra keys (`__proto__` included), huge arrays, deep nesting, oversized and invalid
 * strings; now and then also byte-level damage (invalid UTF-8, truncation, noise).
 */
export function mutateJson (random: SeededRandom, validText: string): Uint8Array {
  // Parsed afresh each time: mutations change the value in place, and parsing is the cheapest deep copy.
  let value = JSON.parse(validText) as Json
  const count = 1 + random.int(MAX_MUTATIONS_PER_INPUT)
  for (let i = 0; i < count; i++) value = mutateOnce(random, value)
  const text = JSON.stringify(value).replace(BIG_MARKER, (_, index: string) => BIG_TEXTS[Number(index)] ?? '')
  const bytes = encoder.encode(text)
  return random.chance(0.2) ? mutateBytes(random, bytes) : bytes
}
