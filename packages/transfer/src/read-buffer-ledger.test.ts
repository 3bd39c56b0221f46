import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MAX_TRACKED_READ_BUFFERS } from './constants.ts'
import { createReadBufferLedger } from './read-buffer-ledger.ts'

test('a buffer is released once every byte of it is settled, in whatever order, and only once', () => {
  const released: Uint8Array[] = []
  const ledger = createReadBufferLedger(data => { released.push(data) })
  const first = new Uint8Array(10)
  const second = new Uint8Array(10)
  const third = new Uint8Array(5)
  ledger.add(first)
  ledger.add(second)
  ledger.add(third)

  // A frame from byte 0 to 4, then one spanning the first two buffers (its data settled later).
  ledger.settle(0, 4)
  ledger.settle(4, 6)
  assert.deepEqual(released, [])
  ledger.settle(16, 25)
  assert.deepEqual(released, [third])
  ledger.settle(6, 16)
  assert.deepEqual(released, [third, first, second])
  ledger.settle(0, 25)
  assert.equal(released.length, 3)
})

test('empty buffers take no place in the stream and are never released', () => {
  const released: Uint8Array[] = []
  const ledger = createReadBufferLedger(data => { released.push(data) })
  const data = new Uint8Array(3)
  ledger.add(new Uint8Array(0))
  ledger.add(data)
  ledger.settle(0, 3)
  assert.deepEqual(released, [data])
})

test('past its limit the ledger forgets the oldest buffer: never released, left to garbage collection', () => {
  const released: Uint8Array[] = []
  const ledger = createReadBufferLedger(data => { released.push(data) })
  const buffers = Array.from({ length: MAX_TRACKED_READ_BUFFERS + 1 }, () => new Uint8Array(2))
  for (const data of buffers) ledger.add(data)
  ledger.settle(0, buffers.length * 2)
  assert.equal(released.length, MAX_TRACKED_READ_BUFFERS)
  assert.ok(!released.includes(buffers[0] as Uint8Array))
})
