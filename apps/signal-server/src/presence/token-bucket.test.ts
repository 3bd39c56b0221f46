import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createTokenBucket } from './token-bucket.ts'

it('allows a burst, then refills at the steady rate', () => {
  let nowMs = 0
  const bucket = createTokenBucket({ ratePerSecond: 10, burst: 3, now: () => nowMs })
  assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, true, false])
  nowMs = 100
  assert.equal(bucket.tryTake(), true)
  assert.equal(bucket.tryTake(), false)
  nowMs = 10_000
  assert.equal([1, 2, 3, 4].filter(() => bucket.tryTake()).length, 3, 'never holds more than the burst')
})
