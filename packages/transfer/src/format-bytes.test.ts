import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatBytes } from './format-bytes.ts'

test('formats byte counts in binary units', () => {
  assert.equal(formatBytes(512), '512 bytes')
  assert.equal(formatBytes(1536), '1.5 KiB')
  assert.equal(formatBytes(20 * 1024 * 1024), '20.0 MiB')
  assert.equal(formatBytes(3 * 1024 ** 4), '3.0 TiB')
})
