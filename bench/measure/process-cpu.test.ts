import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readCpuSeconds } from './process-cpu.ts'

test('reads a running process\'s CPU seconds as its own accounting does, and nothing for a process that is gone', { skip: process.platform !== 'linux' }, async () => {
  const busyUntil = performance.now() + 300
  while (performance.now() < busyUntil);
  const own = process.cpuUsage()
  const read = await readCpuSeconds(process.pid)

  assert.ok(read !== undefined)
  // /proc counts in ticks of 10 ms; the process keeps running between the two readings.
  assert.ok(Math.abs(read - (own.user + own.system) / 1e6) < 0.1, `${read} s against ${(own.user + own.system) / 1e6} s`)
  assert.equal(await readCpuSeconds(2 ** 22 + 1), undefined)
})
