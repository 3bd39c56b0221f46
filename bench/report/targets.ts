import { MB, TARGET_OURS_TO_RAW, TARGET_OURS_TO_SCP, TARGET_PEAK_RSS_BYTES, TARGET_RELAYED_TO_DIRECT, TARGET_SMALL_FILES_PER_SECOND } from '../constants.ts'
import type { CaseId } from '../cases/bench-case.ts'
import type { CaseSummary } from './case-summary.ts'

export interface TargetResult {
  name: string
  measured: number | null
  /** Shown as measured, e.g. `0.31` or `87 / 95 MB`. */
  measuredText: string
  targetText: string
  status: 'PASS' | 'MISS' | 'n/a'
  /** Why there is no value, or what else is worth knowing. */
  note?: string
}

/** The issue 6 targets, judged on this run's medians (peaks for memory). */
export function evaluateTargets (summaries: CaseSummary[]): TargetResult[] {
  const find = (id: CaseId): CaseSummary | undefined => summaries.find(s => s.id === id)
  const ours = find('ours')
  const relayed = find('relayed')
  const small = find('small')
  const results: TargetResult[] = [
    atLeast('ours ÷ raw TCP pipe, direct', ours?.toRaw ?? null, TARGET_OURS_TO_RAW, formatRatio, missing(ours, find('raw')),
      ours?.transferMbPerSecond != null && find('raw')?.medianMbPerSecond != null
        ? `transfer phase only: ${formatRatio(ours.transferMbPerSecond / (find('raw')?.medianMbPerSecond ?? 1))}`
        : undefined),
    atLeast('ours ÷ scp, direct', ours?.toScp ?? null, TARGET_OURS_TO_SCP, formatRatio, missing(ours, find('scp'))),
    atLeast('relayed ÷ direct', ratio(relayed?.medianMbPerSecond, ours?.medianMbPerSecond), TARGET_RELAYED_TO_DIRECT, formatRatio, missing(relayed, ours)),
    atLeast(`small files (${small?.files ?? '?'}), files/s`, small?.filesPerSecond ?? null, TARGET_SMALL_FILES_PER_SECOND, value => value.toFixed(0), missing(small),
      small?.transferFilesPerSecond != null ? `transfer phase only: ${small.transferFilesPerSecond.toFixed(0)}` : undefined)
  ]
  for (const summary of [ours, relayed, small]) {
    if (summary === undefined || summary.skipped !== null) continue
    const sides = [summary.senderPeakRssBytes, summary.receiverPeakRssBytes]
    const worst = sides.some(side => side === null) ? null : Math.max(...sides as number[])
    results.push({
      name: `peak RSS per side, ${summary.label}`,
      measured: worst,
      measuredText: sides.map(side => side === null ? '?' : (side / MB).toFixed(0)).join(' / ') + ' MB',
      targetText: `≤ ${TARGET_PEAK_RSS_BYTES / MB} MB`,
      status: worst === null ? 'n/a' : worst <= TARGET_PEAK_RSS_BYTES ? 'PASS' : 'MISS',
      ...(worst === null ? { note: 'GNU time (/usr/bin/time) is not installed' } : {})
    })
  }
  return results
}

function atLeast (name: string, measured: number | null, target: number, format: (value: number) => string, whyMissing: string | undefined, note?: string): TargetResult {
  return {
    name,
    measured,
    measuredText: measured === null ? '—' : format(measured),
    targetText: `≥ ${format(target)}`,
    status: measured === null ? 'n/a' : measured >= target ? 'PASS' : 'MISS',
    ...(measured === null && whyMissing !== undefined ? { note: whyMissing } : note !== undefined ? { note } : {})
  }
}

function ratio (numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  return numerator == null || denominator == null ? null : numerator / denominator
}

function missing (...summaries: Array<CaseSummary | undefined>): string | undefined {
  for (const summary of summaries) {
    if (summary === undefined) return 'a case it needs was not run (--only)'
    if (summary.skipped !== null) return `${summary.label} was skipped`
  }
  return undefined
}

function formatRatio (value: number): string {
  return value.toFixed(2)
}
