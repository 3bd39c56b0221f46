import { test } from 'node:test'
import assert from 'node:assert/strict'
import { resolve } from 'node:path'
import { parseBenchOptions, parseSizeBytes, UsageError } from './bench-options.ts'

test('sizes take binary units and plain bytes', () => {
  assert.equal(parseSizeBytes('1GiB', '--size'), 1024 ** 3)
  assert.equal(parseSizeBytes('16 MiB', '--size'), 16 * 1024 ** 2)
  assert.equal(parseSizeBytes('4kib', '--size'), 4096)
  assert.equal(parseSizeBytes('4096', '--size'), 4096)
  assert.equal(parseSizeBytes('10B', '--size'), 10)
  assert.throws(() => parseSizeBytes('1GB', '--size'), UsageError)
  assert.throws(() => parseSizeBytes('0', '--size'), UsageError)
})

test('the CI smoke command parses, keeping the standard case order', () => {
  const options = parseBenchOptions(['--size', '16MiB', '--runs', '1', '--small-files', '200', '--only', 'small,raw'])
  assert.notEqual(options, 'help')
  if (options === 'help') return
  assert.equal(options.sizeBytes, 16 * 1024 ** 2)
  assert.equal(options.runs, 1)
  assert.equal(options.smallFiles, 200)
  assert.deepEqual(options.only, ['raw', 'small'])
})

test('unknown flags, cases and counts are usage errors', () => {
  assert.throws(() => parseBenchOptions(['--bogus']), UsageError)
  assert.throws(() => parseBenchOptions(['--only', 'raw,ftp']), UsageError)
  assert.throws(() => parseBenchOptions(['--runs', '0']), UsageError)
  assert.equal(parseBenchOptions(['--help']), 'help')
})

test('the memory run takes --sparse, and --cpu-prof an absolute folder for the client profiles', () => {
  const options = parseBenchOptions(['--size', '10GiB', '--runs', '1', '--only', 'ours', '--sparse', '--cpu-prof', 'profiles'])
  assert.notEqual(options, 'help')
  if (options === 'help') return
  assert.equal(options.sizeBytes, 10 * 1024 ** 3)
  assert.equal(options.sparse, true)
  assert.equal(options.cpuProfDir, resolve('profiles'))
  const plain = parseBenchOptions([])
  assert.ok(plain !== 'help' && !plain.sparse && plain.cpuProfDir === undefined)
})
