import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createOfferRateLimiter } from './offer-rate-limiter.ts'

function clock (): { now: () => number, advance: (ms: number) => void } {
  let nowMs = 1_000_000
  return { now: () => nowMs, advance: (ms) => { nowMs += ms } }
}

test('a device gets its burst of offers, then TRANSFER_RATE_LIMITED until it has waited one interval per offer', () => {
  const time = clock()
  const limiter = createOfferRateLimiter({ perPeerBurst: 3, perPeerIntervalMs: 10_000, overallBurst: 100, overallIntervalMs: 1, now: time.now })
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('peer-a'), undefined)
  const declined = limiter.take('peer-a')
  assert.equal(declined?.code, 'TRANSFER_RATE_LIMITED')
  assert.match(declined?.message ?? '', /too many offers from this device: wait 10 s/)
  time.advance(9_999)
  assert.equal(limiter.take('peer-a')?.code, 'TRANSFER_RATE_LIMITED')
  time.advance(1)
  assert.equal(limiter.take('peer-a'), undefined)
  assert.equal(limiter.take('peer-a')?.code, 'TRANSFER_RATE_LIMITED')
  // Another device is not held back by the first one.
  assert.equal(limiter.take('peer-b'), undefined)
})

test('offers from all devices together are capped, so making new PeerIds does not get around the limit', () => {
  const time = clock()
  const limiter = createOfferRateLimiter({ perPeerBurst: 2, perPeerIntervalMs: 60_000, overallBurst: 5, overallIntervalMs: 2_000, now: time.now })
  for (let i = 0; i < 5; i++) assert.equal(limiter.take(`fresh-${i}`), undefined)
  const declined = limiter.take('fresh-5')
  assert.equal(declined?.code, 'TRANSFER_RATE_LIMITED')
  assert.match(declined?.message ?? '', /the receiver is getting too many offers right now: wait 2 s/)
  time.advance(2_000)
  assert.equal(limiter.take('fresh-6'), undefined)
})

test('a declined offer costs nothing: the device may offer again as soon as its allowance is back', () => {
  const time = clock()
  const limiter = createOfferRateLimiter({ perPeerBurst: 1, perPeerIntervalMs: 1_000, overallBurst: 1, overallIntervalMs: 1_000, now: time.now })
  assert.equal(limiter.take('a'), undefined)
  for (let i = 0; i < 10; i++) assert.equal(limiter.take('a')?.code, 'TRANSFER_RATE_LIMITED')
  time.advance(1_000)
  assert.equal(limiter.take('a'), undefined)
})

test('remembers at most maxPeers devices, forgetting those with a full allowance first', () => {
  const time = clock()
  const limiter = createOfferRateLimiter({ perPeerBurst: 1, perPeerIntervalMs: 60_000, overallBurst: 1000, overallIntervalMs: 1, maxPeers: 2, now: time.now })
  assert.equal(limiter.take('a'), undefined)
  assert.equal(limiter.take('b'), undefined)
  time.advance(60_000) // a and b have a full allowance again: forgetting them loses nothing.
  assert.equal(limiter.take('c'), undefined)
  assert.equal(limiter.take('c')?.code, 'TRANSFER_RATE_LIMITED', 'c is still remembered')
  assert.equal(limiter.take('a'), undefined)
})
