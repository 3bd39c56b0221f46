import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RETRY_MAX_MS, RETRY_MIN_MS, retryDelayMs } from './retry-backoff.ts'

test('retry waits double from 1 s to at most 15 s, with jitter', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9].map(attempt => retryDelayMs(attempt, () => 0.5)), [1000, 2000, 4000, 8000, 15000, 15000])
  for (let attempt = 1; attempt < 20; attempt++) {
    const delay = retryDelayMs(attempt)
    assert.ok(delay >= RETRY_MIN_MS * 0.8 && delay <= RETRY_MAX_MS * 1.2, `${delay}`)
  }
})
