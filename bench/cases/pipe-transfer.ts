import { mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnMeasured, withTimeout, type MeasuredProcess } from '../measure/process-stats.ts'
import { assertSameTree } from '../measure/tree-digest.ts'
import type { SourceFile } from '../source-files.ts'
import type { CaseRun } from './bench-case.ts'

const ENDPOINT = fileURLToPath(new URL('./pipe-endpoint.ts', import.meta.url))

export interface PipeTransferOptions {
  transport: 'tcp' | 'tls'
  source: SourceFile
  /** A folder of its own, removed after the received file is verified. */
  outDir: string
  timeoutMs: number
  tls?: { certPath: string, keyPath: string }
}

/** Runs pipe-endpoint's receiver and sender as two measured processes, then verifies the copy. */
export async function runPipeTransfer (options: PipeTransferOptions): Promise<CaseRun> {
  await mkdir(options.outDir, { recursive: true })
  const tlsArgs = options.tls === undefined ? [] : ['--cert', options.tls.certPath, '--key', options.tls.keyPath]
  const common = ['--transport', options.transport, ...tlsArgs]
  const running: MeasuredProcess[] = []
  try {
    const receiver = spawnMeasured(process.execPath, [ENDPOINT, 'receive', ...common, '--out', join(options.outDir, basename(options.source.path))])
    running.push(receiver)
    const listening = JSON.parse(await receiver.waitForLine('stdout', line => line.includes('"listening"'), 10_000)) as { port: number }
    const sender = spawnMeasured(process.execPath, [ENDPOINT, 'send', ...common, '--port', String(listening.port), '--file', options.source.path])
    running.push(sender)
    const [sent, received] = await Promise.all([withTimeout(sender, options.timeoutMs), withTimeout(receiver, options.timeoutMs)])
    if (sent.code !== 0) throw new Error(`${options.transport} sender failed (${sent.code ?? sent.signal}):\n${sender.stderr()}`)
    if (received.code !== 0) throw new Error(`${options.transport} receiver failed (${received.code ?? received.signal}):\n${receiver.stderr()}`)
    const done = JSON.parse(await receiver.waitForLine('stdout', line => line.includes('"done"'), 1_000)) as { durationMs: number, cipher?: string }
    await assertSameTree(new Map([[basename(options.source.path), options.source.digest]]), options.outDir, `${options.transport} pipe`)
    return {
      bytes: options.source.sizeBytes,
      files: 1,
      wallMs: done.durationMs,
      sender: sent.stats,
      receiver: received.stats,
      ...(done.cipher === undefined ? {} : { detail: done.cipher })
    }
  } finally {
    for (const process of running) process.kill('SIGKILL')
    await rm(options.outDir, { recursive: true, force: true })
  }
}
