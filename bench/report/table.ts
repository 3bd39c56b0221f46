import { MB } from '../constants.ts'
import type { CaseSummary } from './case-summary.ts'
import type { TargetResult } from './targets.ts'

export interface ReportHeader {
  title: string
  lines: string[]
}

const COLUMNS = [
  'case', 'median MB/s', 'min–max MB/s', 'transfer MB/s', 'files/s',
  'send CPU s/GiB', 'recv CPU s/GiB', 'send RSS MB', 'recv RSS MB', '× raw', '× scp'
] as const

/** The results as aligned text: header, one row per case, notes, then the targets. */
export function formatTable (header: ReportHeader, summaries: CaseSummary[], targets: TargetResult[]): string {
  const rows = summaries.map(summary => summary.skipped !== null
    ? [summary.label, 'skipped', '', '', '', '', '', '', '', '', '']
    : [
        summary.label,
        rate(summary.medianMbPerSecond),
        summary.minMbPerSecond === null || summary.maxMbPerSecond === null ? '—' : `${rate(summary.minMbPerSecond)}–${rate(summary.maxMbPerSecond)}`,
        rate(summary.transferMbPerSecond),
        fixed(summary.filesPerSecond, 0),
        fixed(summary.senderCpuSecondsPerGib, 2),
        fixed(summary.receiverCpuSecondsPerGib, 2),
        fixed(summary.senderPeakRssBytes === null ? null : summary.senderPeakRssBytes / MB, 0),
        fixed(summary.receiverPeakRssBytes === null ? null : summary.receiverPeakRssBytes / MB, 0),
        fixed(summary.toRaw, 2),
        fixed(summary.toScp, 2)
      ])
  const lines = [header.title, ...header.lines.map(line => `  ${line}`), '', ...alignColumns([[...COLUMNS], ...rows]), '']

  for (const summary of summaries) {
    const about = summary.skipped !== null
      ? `skipped: ${summary.skipped}`
      : [summary.timing, ...summary.details, ...relayNote(summary)].join('; ')
    lines.push(`  ${summary.label}: ${about}`)
  }

  lines.push('', 'Targets (issue 6)')
  lines.push(...alignColumns(targets.map(target => [
    `  ${target.name}`, target.measuredText, target.targetText, target.status, target.note === undefined ? '' : `(${target.note})`
  ]), new Set([0, 4])))
  return lines.join('\n')
}

/** The relay's CPU, a third process sharing the cores with both ends of a relayed run. */
function relayNote (summary: CaseSummary): string[] {
  return summary.relayCpuSecondsPerGib === null ? [] : [`relay (signal server) ${summary.relayCpuSecondsPerGib.toFixed(2)} CPU s/GiB`]
}

/** Pads every column to its widest cell; the first column (and any in `leftAligned`) left, numbers right. */
function alignColumns (rows: string[][], leftAligned = new Set([0])): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length) })
  return rows.map(row => row
    .map((cell, i) => leftAligned.has(i) ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))
    .join('  ')
    .trimEnd())
}

/** Whole numbers from 100 up, else three significant digits (small-file runs move little data). */
function rate (value: number | null): string {
  if (value === null) return '—'
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3)
}

function fixed (value: number | null, digits: number): string {
  return value === null ? '—' : value.toFixed(digits)
}
