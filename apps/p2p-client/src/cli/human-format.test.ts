import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatBytes, formatConnection, formatEta, formatProgressLine } from './human-format.ts'

test('formats sizes, times left and a progress line', () => {
  assert.equal(formatBytes(512), '512 B')
  assert.equal(formatBytes(64 * 1024 * 1024), '64.0 MiB')
  assert.equal(formatEta(null), '--')
  assert.equal(formatEta(75), '1m15s')
  assert.equal(formatEta(7260), '2h01m')
  const line = formatProgressLine(32 * 1024 * 1024, 64 * 1024 * 1024, 52_100_000, 1, 10)
  assert.equal(line, '[#####.....]  50%  32.0 MiB / 64.0 MiB  52.1 MB/s  ETA 1s')
})

test('says how a connection got through', () => {
  assert.equal(formatConnection({ type: 'direct', route: 'hole-punch' }), 'direct · hole-punched')
  assert.equal(formatConnection({ type: 'direct', route: 'lan' }), 'direct · on this network')
  assert.equal(formatConnection({ type: 'relayed' }), 'relayed')
})
