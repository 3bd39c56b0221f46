import assert from 'node:assert/strict'
import { it } from 'node:test'
import { parseByteSize } from './parse-byte-size.ts'

it('parses plain byte counts and binary units', () => {
  assert.equal(parseByteSize('1048576'), 1048576)
  assert.equal(parseByteSize('512MiB'), 512 * 1024 ** 2)
  assert.equal(parseByteSize(' 64 gib '), 64 * 1024 ** 3)
  assert.equal(parseByteSize('10B'), 10)
})

it('refuses decimal units, fractions, negatives and sizes beyond 2^53', () => {
  for (const text of ['1GB', '1.5GiB', '-1', '', 'lots', '99999999TiB']) assert.equal(parseByteSize(text), undefined, text)
})
