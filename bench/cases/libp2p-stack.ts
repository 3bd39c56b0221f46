import { mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnMeasured, withTimeout, type MeasuredProcess } from '../measure/process-stats.ts'
import { assertSameTree } from '../measure/tree-digest.ts'
import type { SourceFile } from '../source-files.ts'
import type { BenchCase, CaseRun } from './bench-case.ts'

const ENDPOINT = fileURLToPath(new URL('./libp2p-endpoint.ts', import.meta.url))
const LISTENING_TIMEOUT_MS = 30_000

export interface Libp2pStackCaseDeps {
  source: SourceFile
  workDir: string
  timeoutMs: number
}

/** The libp2p stack alone (TCP + TLS + yamux, file → stream → file): what the stack costs without our engine. */
export function createLibp2pStackCase (deps: Libp2pStackCaseDeps): BenchCase {
  return {
    id: 'stack',
    label: 'libp2p stack alone',
    timing: 'receiver: stream opened → file closed',
    prepare: async () => undefined,
    run: async (round) => await runStackTransfer(deps, join(deps.workDir, `stack-${round}`)),
    dispose: async () => {}
  }
}

async function runStackTransfer (deps: Libp2pStackCaseDeps, outDir: string): Promise<CaseRun> {
  await mkdir(outDir, { recursive: true })
  const running: MeasuredProcess[] = []
  try {
    const receiver = spawnMeasured(process.execPath, [ENDPOINT, 'receive', '--out', join(outDir, basename(deps.source.path))])
    running.push(receiver)
    const listening = JSON.parse(await receiver.waitForLine('stdout', line => line.includes('"listening"'), LISTENING_TIMEOUT_MS)) as { addr: string }
    const sender = spawnMeasured(process.execPath, [ENDPOINT, 'send', '--addr', listening.addr, '--file', deps.source.path])
    running.push(sender)
    const [sent, received] = await Promise.all([withTimeout(sender, deps.timeoutMs), withTimeout(receiver, deps.timeoutMs)])
    if (sent.code !== 0) throw new Error(`libp2p stack sender failed (${sent.code ?? sent.signal}):\n${sender.stderr()}`)
    if (received.code !== 0) throw new Error(`libp2p stack receiver failed (${received.code ?? received.signal}):\n${receiver.stderr()}`)
    const done = JSON.parse(await receiver.waitForLine('stdout', line => line.includes('"done"'), 1_000)) as { durationMs: number }
    await assertSameTree(new Map([[basename(deps.source.path), deps.source.digest]]), outDir, 'libp2p stack')
    return { bytes: deps.source.sizeBytes, files: 1, wallMs: done.durationMs, sender: sent.stats, receiver: received.stats, detail: 'TCP + TLS 1.3 + yamux, no hashing or framing' }
  } finally {
    for (const process of running) process.kill('SIGKILL')
    await rm(outDir, { recursive: true, force: true })
  }
}
