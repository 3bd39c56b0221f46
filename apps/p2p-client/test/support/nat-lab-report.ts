/**
 * Measures the NAT lab (not part of `npm test`; needs root, nftables, conntrack and,
 * for the UPnP row, miniupnpd):
 *
 *   npx node apps/p2p-client/test/support/nat-lab-report.ts [--runs 5] [--size-mib 256] [--size-runs 3]
 *
 * Prints, per NAT configuration, how many 16 MiB sends ended direct or relayed and the
 * median time from the sender's start to its first and last `connection` event; then the
 * median throughput (the sender's `done`: stream open → all verified) of a large file
 * through a hole punch and through the relay. Progress goes to stderr, tables to stdout.
 */
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { miniupnpdUnavailableReason, natLabUnavailableReason } from './nat-lab.ts'
import { sendFromHostA, startLabSession, stopLabSession, waitForUpnpMapping, type LabSessionOptions, type SendResult } from './lab-session.ts'

const MIB = 1024 * 1024
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, 'size-mib': { type: 'string', default: '256' }, 'size-runs': { type: 'string', default: '3' } } })
const runs = Number(values.runs)
const bigBytes = Number(values['size-mib']) * MIB
const bigRuns = Number(values['size-runs'])

const unavailable = await natLabUnavailableReason()
if (unavailable !== undefined) {
  process.stderr.write(`cannot run the lab: ${unavailable}\n`)
  process.exit(1)
}
const upnpUnavailable = await miniupnpdUnavailableReason()

interface Scenario { name: string, options: LabSessionOptions }
const scenarios: Scenario[] = [
  { name: 'both NATs endpoint-independent', options: { natA: 'endpoint-independent', natB: 'endpoint-independent', receiverHost: 'hostB', withServer: true } },
  { name: 'one NAT symmetric', options: { natA: 'endpoint-independent', natB: 'symmetric', receiverHost: 'hostB', withServer: true } },
  { name: 'both NATs symmetric', options: { natA: 'symmetric', natB: 'symmetric', receiverHost: 'hostB', withServer: true } },
  { name: 'same LAN, no server (mDNS)', options: { natA: 'endpoint-independent', natB: 'endpoint-independent', receiverHost: 'hostC', withServer: false } },
  ...(upnpUnavailable === undefined
    ? [{ name: 'UPnP on symmetric nat-b', options: { natA: 'endpoint-independent', natB: 'symmetric', upnpOnNatB: true, receiverHost: 'hostB', withServer: true } } satisfies Scenario]
    : [])
]

function median (numbers: number[]): number | undefined {
  const sorted = numbers.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return undefined
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

function show (value: number | undefined, digits = 0): string {
  return value === undefined ? '—' : value.toFixed(digits)
}

/** Runs `body` with a session for `scenario`, always torn down. */
async function withSession<T> (scenario: Scenario, body: (send: (run: number, sizeBytes: number) => Promise<SendResult>) => Promise<T>): Promise<T> {
  const session = await startLabSession(scenario.options)
  try {
    if (scenario.options.upnpOnNatB === true) {
      await waitForUpnpMapping(session.lab, 30_000)
      await sleep(2_000)
    }
    return await body(async (run, sizeBytes) => (await sendFromHostA(session, run, { sizeBytes })).result)
  } finally {
    await stopLabSession(session)
  }
}

const rows: string[] = []
for (const scenario of scenarios) {
  process.stderr.write(`${scenario.name}: ${runs} × 16 MiB\n`)
  const results = await withSession(scenario, async (send) => {
    const out: SendResult[] = []
    for (let run = 1; run <= runs; run++) out.push(await send(run, 16 * MIB))
    return out
  })
  const ok = results.filter(r => r.exit === 0 && r.intact)
  const direct = ok.filter(r => r.connections.at(-1)?.startsWith('direct') === true)
  const routes = [...new Set(ok.map(r => r.connections.join(' → ')))].join(', ')
  rows.push(`| ${scenario.name} | ${runs} | ${ok.length} | ${direct.length} | ${ok.length - direct.length} | ${show(median(ok.map(r => r.firstConnectionMs ?? NaN)))} | ${show(median(ok.map(r => r.lastConnectionMs ?? NaN)))} | ${routes} |`)
}

const throughput: string[] = []
for (const [label, scenario] of [['hole-punched (starts on the relay)', scenarios[0]], ['relayed (both NATs symmetric)', scenarios[2]]] as const) {
  if (scenario === undefined) continue
  process.stderr.write(`${label}: ${bigRuns} × ${bigBytes / MIB} MiB\n`)
  const results = await withSession(scenario, async (send) => {
    const out: SendResult[] = []
    for (let run = 1; run <= bigRuns; run++) out.push(await send(1000 + run, bigBytes))
    return out
  })
  const ok = results.filter(r => r.exit === 0 && r.intact && r.transferMs !== undefined)
  const speeds = ok.map(r => bigBytes / ((r.transferMs ?? 1) / 1000) / 1e6)
  throughput.push(`| ${label} | ${bigBytes / MIB} MiB | ${ok.length}/${results.length} | ${show(median(speeds), 1)} | ${show(Math.min(...speeds), 1)}–${show(Math.max(...speeds), 1)} | ${[...new Set(ok.map(r => r.connections.join(' → ')))].join(', ')} |`)
}

process.stdout.write([
  '| scenario | runs | intact | direct | relayed | median ms to first connection | median ms to final connection | connections seen |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  '| path | size | intact | median MB/s | min–max MB/s | connections seen |',
  '|---|---|---|---|---|---|',
  ...throughput,
  ''
].join('\n'))
if (upnpUnavailable !== undefined) process.stdout.write(`(no UPnP row: ${upnpUnavailable})\n`)
