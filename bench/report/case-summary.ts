import type { BenchCase, CaseId, CaseRun } from '../cases/bench-case.ts'
import { GIB, MB } from '../constants.ts'

/** What one case produced: its runs, or why it was skipped. */
export interface CaseResult {
  benchCase: BenchCase
  skipped?: string
  runs: CaseRun[]
}

/** One row of the table; null where there is nothing to show. */
export interface CaseSummary {
  id: CaseId
  label: string
  timing: string
  skipped: string | null
  runs: CaseRun[]
  bytes: number
  files: number
  /** Median, min and max over the runs, in MB/s (10^6 bytes) of wall time. */
  medianMbPerSecond: number | null
  minMbPerSecond: number | null
  maxMbPerSecond: number | null
  /** Ours only: median MB/s of the engine's own transfer time. */
  transferMbPerSecond: number | null
  /** Cases with many files only. */
  filesPerSecond: number | null
  transferFilesPerSecond: number | null
  /** Median CPU (user + system) per GiB moved. */
  senderCpuSecondsPerGib: number | null
  receiverCpuSecondsPerGib: number | null
  /** Relayed runs: median CPU of the relay per GiB moved. */
  relayCpuSecondsPerGib: number | null
  /** Largest over the runs. */
  senderPeakRssBytes: number | null
  receiverPeakRssBytes: number | null
  /** Median MB/s over the raw pipe's and scp's, for cases moving the same big file. */
  toRaw: number | null
  toScp: number | null
  details: string[]
}

/** Medians and peaks per case, and the ratios to the raw pipe and scp measured in the same run. */
export function summarizeCases (results: CaseResult[]): CaseSummary[] {
  const summaries = results.map(summarizeOne)
  const median = (id: CaseId): number | null => summaries.find(s => s.id === id)?.medianMbPerSecond ?? null
  const raw = median('raw')
  const scp = median('scp')
  for (const summary of summaries) {
    // The small-files case moves a different workload: a ratio in MB/s would mean nothing.
    if (summary.medianMbPerSecond === null || summary.files > 1) continue
    summary.toRaw = raw === null ? null : summary.medianMbPerSecond / raw
    summary.toScp = scp === null ? null : summary.medianMbPerSecond / scp
  }
  return summaries
}

function summarizeOne (result: CaseResult): CaseSummary {
  const { benchCase, runs } = result
  const first = runs[0]
  const mbPerSecond = runs.map(run => run.bytes / MB / (run.wallMs / 1000))
  const transferRuns = runs.filter(run => run.transferMs !== undefined)
  const manyFiles = (first?.files ?? 0) > 1
  return {
    id: benchCase.id,
    label: benchCase.label,
    timing: benchCase.timing,
    skipped: result.skipped ?? null,
    runs,
    bytes: first?.bytes ?? 0,
    files: first?.files ?? 0,
    medianMbPerSecond: medianOf(mbPerSecond),
    minMbPerSecond: runs.length === 0 ? null : Math.min(...mbPerSecond),
    maxMbPerSecond: runs.length === 0 ? null : Math.max(...mbPerSecond),
    transferMbPerSecond: medianOf(transferRuns.map(run => run.bytes / MB / ((run.transferMs ?? 0) / 1000))),
    filesPerSecond: manyFiles ? medianOf(runs.map(run => run.files / (run.wallMs / 1000))) : null,
    transferFilesPerSecond: manyFiles ? medianOf(transferRuns.map(run => run.files / ((run.transferMs ?? 0) / 1000))) : null,
    senderCpuSecondsPerGib: cpuPerGib(runs, 'sender'),
    receiverCpuSecondsPerGib: cpuPerGib(runs, 'receiver'),
    relayCpuSecondsPerGib: medianOf(runs.flatMap(run => run.relayCpuSeconds === undefined ? [] : [run.relayCpuSeconds / (run.bytes / GIB)])),
    senderPeakRssBytes: peakRss(runs, 'sender'),
    receiverPeakRssBytes: peakRss(runs, 'receiver'),
    toRaw: null,
    toScp: null,
    details: [...new Set(runs.map(run => run.detail).filter(detail => detail !== undefined))]
  }
}

function cpuPerGib (runs: CaseRun[], side: 'sender' | 'receiver'): number | null {
  const values: number[] = []
  for (const run of runs) {
    const stats = run[side]
    if (stats !== null) values.push((stats.cpuUserSeconds + stats.cpuSystemSeconds) / (run.bytes / GIB))
  }
  return medianOf(values)
}

function peakRss (runs: CaseRun[], side: 'sender' | 'receiver'): number | null {
  const values = runs.flatMap(run => run[side] === null ? [] : [run[side].peakRssBytes])
  return values.length === 0 ? null : Math.max(...values)
}

/** The middle value (mean of the two middle ones for an even count); null for none. */
export function medianOf (values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] ?? null : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
