import assert from 'node:assert/strict'
import { it } from 'node:test'
import { createIpConnectionLimiter } from './ip-connection-limiter.ts'

it('caps open sessions per address and frees a slot on release', () => {
  const limiter = createIpConnectionLimiter({ maxSessionsPerIp: 2, connectsPerSecond: 100, connectBurst: 100 })
  assert.deepEqual(['198.51.100.1', '198.51.100.1', '198.51.100.1'].map(limiter.admit), ['ok', 'ok', 'too-many-sessions'])
  assert.equal(limiter.admit('198.51.100.2'), 'ok', 'another address has its own budget')
  limiter.release('198.51.100.1')
  assert.equal(limiter.admit('198.51.100.1'), 'ok')
})

it('limits how fast one address connects, refilling over time', () => {
  let nowMs = 0
  const limiter = createIpConnectionLimiter({ maxSessionsPerIp: 100, connectsPerSecond: 2, connectBurst: 3, now: () => nowMs })
  const results = [1, 2, 3, 4].map(() => limiter.admit('192.0.2.1'))
  assert.deepEqual(results, ['ok', 'ok', 'ok', 'too-many-connects'])
  nowMs = 500
  assert.equal(limiter.admit('192.0.2.1'), 'ok')
})

it('counts a whole IPv6 /64 as one address', () => {
  const limiter = createIpConnectionLimiter({ maxSessionsPerIp: 1, connectsPerSecond: 100, connectBurst: 100 })
  assert.equal(limiter.admit('2001:db8:1:2::1'), 'ok')
  assert.equal(limiter.admit('2001:db8:1:2:ffff::9'), 'too-many-sessions')
  assert.equal(limiter.admit('2001:db8:1:3::1'), 'ok')
})

it('forgets idle addresses once their connect budget has refilled', () => {
  let nowMs = 0
  const limiter = createIpConnectionLimiter({ maxSessionsPerIp: 10, connectsPerSecond: 1, connectBurst: 2, now: () => nowMs })
  limiter.admit('192.0.2.1')
  limiter.admit('192.0.2.2')
  limiter.release('192.0.2.2')
  nowMs = 1_000
  limiter.sweep()
  assert.equal(limiter.trackedCount, 2, 'not yet refilled')
  nowMs = 2_000
  limiter.sweep()
  assert.equal(limiter.trackedCount, 1, 'the address with an open session stays')
})
