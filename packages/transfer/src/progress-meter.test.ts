import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ClientEventOf } from '@p2pft/protocol'
import { createProgressMeter } from './progress-meter.ts'

function meterWithClock (totalBytes: number): { events: Array<ClientEventOf<'progress'>>, tick: (ms: number) => void, meter: ReturnType<typeof createProgressMeter> } {
  let nowMs = 0
  const events: Array<ClientEventOf<'progress'>> = []
  const meter = createProgressMeter({ transferId: 'abcdefgh', direction: 'send', totalBytes, onProgress: e => events.push(e), now: () => nowMs })
  return { events, meter, tick: (ms) => { nowMs += ms } }
}

test('emits at most every 200 ms, then a final event at 100%', () => {
  const { events, meter, tick } = meterWithClock(1000)
  for (let i = 0; i < 9; i++) {
    tick(50)
    meter.add(100)
  }
  assert.deepEqual(events.map(e => e.bytes), [400, 800])
  meter.complete()
  assert.deepEqual(events.at(-1), { event: 'progress', transferId: 'abcdefgh', direction: 'send', bytes: 1000, total: 1000, bytesPerSecond: events.at(-1)?.bytesPerSecond, etaSeconds: 0 })
})

test('speed follows the last two seconds, not the whole transfer', () => {
  const { events, meter, tick } = meterWithClock(100_000_000)
  for (let i = 0; i < 10; i++) { // 10 s at 1 MB/s
    tick(1000)
    meter.add(1_000_000)
  }
  for (let i = 0; i < 3; i++) { // then 3 s at 10 MB/s
    tick(1000)
    meter.add(10_000_000)
  }
  const last = events.at(-1)
  assert.equal(last?.bytesPerSecond, 10_000_000)
  assert.equal(last?.etaSeconds, Math.ceil((100_000_000 - 40_000_000) / 10_000_000))
})

test('eta is unknown until bytes move', () => {
  const { events, meter, tick } = meterWithClock(1000)
  tick(300)
  meter.add(0)
  assert.equal(events[0]?.etaSeconds, null)
})
