import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { BenchCase, CaseId, CaseRun } from '../cases/bench-case.ts'
import { medianOf, summarizeCases } from './case-summary.ts'
import { evaluateTargets } from './targets.ts'

const GIB = 1024 ** 3
const stats = (cpuSeconds: number, rssMb: number): CaseRun['sender'] => ({ cpuUserSeconds: cpuSeconds, cpuSystemSeconds: 0, peakRssBytes: rssMb * 1e6 })
const fakeCase = (id: CaseId): BenchCase => ({ id, label: id, timing: '', prepare: async () => undefined, run: async () => { throw new Error('not run') }, dispose: async () => {} })
const run = (seconds: number, extra: Partial<CaseRun> = {}): CaseRun => ({ bytes: GIB, files: 1, wallMs: seconds * 1000, sender: stats(2, 100), receiver: stats(3, 120), ...extra })

test('medians of odd and even counts', () => {
  assert.equal(medianOf([3, 1, 2]), 2)
  assert.equal(medianOf([4, 1, 2, 3]), 2.5)
  assert.equal(medianOf([]), null)
})

test('ratios and targets come from the medians of the same run', () => {
  const summaries = summarizeCases([
    { benchCase: fakeCase('raw'), runs: [run(1), run(2), run(1.5)] },
    { benchCase: fakeCase('scp'), skipped: 'no sshd', runs: [] },
    { benchCase: fakeCase('ours'), runs: [run(2, { transferMs: 1500 }), run(2, { transferMs: 1500, sender: stats(2, 160) })] }
  ])
  const ours = summaries.find(s => s.id === 'ours')
  assert.ok(ours !== undefined)
  assert.ok(Math.abs((ours.toRaw ?? 0) - 0.75) < 1e-9, 'median 1.5 s vs 2 s')
  assert.equal(ours.toScp, null)
  assert.equal(ours.senderCpuSecondsPerGib, 2)
  assert.equal(ours.senderPeakRssBytes, 160e6)

  const targets = evaluateTargets(summaries)
  assert.equal(targets.find(t => t.name.startsWith('ours ÷ raw'))?.status, 'MISS')
  assert.equal(targets.find(t => t.name.startsWith('ours ÷ scp'))?.status, 'n/a')
  assert.equal(targets.find(t => t.name.startsWith('peak RSS'))?.status, 'MISS')
})

test('a relayed case reports the median CPU of its relay per GiB, other cases none', () => {
  const summaries = summarizeCases([
    { benchCase: fakeCase('relayed'), runs: [run(10, { relayCpuSeconds: 7 }), run(10, { relayCpuSeconds: 5 }), run(10, { relayCpuSeconds: 9 })] },
    { benchCase: fakeCase('ours'), runs: [run(2)] }
  ])
  assert.equal(summaries.find(s => s.id === 'relayed')?.relayCpuSecondsPerGib, 7)
  assert.equal(summaries.find(s => s.id === 'ours')?.relayCpuSecondsPerGib, null)
})
