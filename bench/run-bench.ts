/**
 * `npm run bench`: loopback throughput of p2p-client against a raw Node TCP pipe, a Node
 * TLS 1.3 pipe and scp, plus a relayed run and a many-small-files run, interleaved so that
 * machine noise hits every case alike. Prints a table (or JSON) and the issue 6 targets.
 */
import { rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, release, tmpdir, type as osType } from 'node:os'
import { dirname, join } from 'node:path'
import { pickEntry } from '../apps/p2p-client/bin/pick-entry.ts'
import { BENCH_USAGE, parseBenchOptions, UsageError, type BenchOptions } from './bench-options.ts'
import type { BenchCase, CaseId, CaseRun } from './cases/bench-case.ts'
import { createLibp2pStackCase } from './cases/libp2p-stack.ts'
import { createP2pDirectCase, createP2pStreamCase } from './cases/p2p-direct.ts'
import { createP2pRelayedCase } from './cases/p2p-relayed.ts'
import { createP2pSmallFilesCase } from './cases/p2p-small-files.ts'
import { createRawTcpPipeCase } from './cases/raw-tcp-pipe.ts'
import { createScpCopyCase } from './cases/scp-copy.ts'
import { startSignalServer, type SignalServer } from './cases/signal-server.ts'
import { createTlsPipeCase } from './cases/tls-pipe.ts'
import { MB, MIN_EXPECTED_BYTES_PER_SECOND, MIN_RUN_TIMEOUT_MS } from './constants.ts'
import { flushDiskWrites } from './measure/flush-disk-writes.ts'
import { hasGnuTime } from './measure/process-stats.ts'
import { readIntoCache } from './measure/read-into-cache.ts'
import { summarizeCases, type CaseResult } from './report/case-summary.ts'
import { formatTable } from './report/table.ts'
import { evaluateTargets } from './report/targets.ts'
import { formatSize } from './report/format-size.ts'
import { writeSmallFiles, writeSourceFile, writeSparseFile, type SmallFiles, type SourceFile } from './source-files.ts'

/** Per small file on top of the floor: ours does an fsync and a rename for each. */
const SMALL_FILE_TIMEOUT_MS = 10

const log = (line: string): void => { process.stderr.write(`${line}\n`) }

process.exitCode = await main(process.argv.slice(2))

async function main (argv: string[]): Promise<number> {
  let options: BenchOptions | 'help'
  try {
    options = parseBenchOptions(argv)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    log(`${err.message}\n\n${BENCH_USAGE}`)
    return 2
  }
  if (options === 'help') {
    process.stdout.write(`${BENCH_USAGE}\n`)
    return 0
  }

  const workDir = await mkdtemp(join(tmpdir(), 'p2pft-bench-'))
  const keep = options.keep
  const onInterrupt = (): void => {
    if (!keep) rmSync(workDir, { recursive: true, force: true })
    process.exit(130)
  }
  process.once('SIGINT', onInterrupt)
  let server: SignalServer | undefined
  const cases: BenchCase[] = []
  try {
    const { only } = options
    const needs = (...ids: CaseId[]): boolean => ids.some(id => only.includes(id))
    const startedAt = Date.now()

    let source: SourceFile | undefined
    if (needs('raw', 'tls', 'scp', 'stack', 'nolane', 'ours', 'relayed')) {
      log(`writing a ${formatSize(options.sizeBytes)} ${options.sparse ? 'sparse' : 'random'} file in ${workDir}`)
      const path = join(workDir, 'bench-file.bin')
      source = options.sparse ? await writeSparseFile(path, options.sizeBytes) : await writeSourceFile(path, options.sizeBytes)
    }
    let smallFiles: SmallFiles | undefined
    if (needs('small')) {
      log(`writing ${options.smallFiles} files of ${formatSize(options.smallFileSizeBytes)}`)
      smallFiles = await writeSmallFiles(join(workDir, 'small-source', 'small'), options.smallFiles, options.smallFileSizeBytes)
    }
    const inputs = [
      ...(source === undefined ? [] : [source.path]),
      ...(smallFiles === undefined ? [] : [...smallFiles.tree].filter(([, digest]) => digest !== 'dir').map(([path]) => join(dirname(smallFiles.dir), path)))
    ]
    if (needs('nolane', 'ours', 'relayed', 'small')) server = await startSignalServer()

    const timeoutMs = Math.max(MIN_RUN_TIMEOUT_MS, options.sizeBytes / MIN_EXPECTED_BYTES_PER_SECOND * 1000)
    for (const id of only) cases.push(createCase(id, { workDir, timeoutMs, options, source, smallFiles, server }))

    const results: CaseResult[] = []
    for (const benchCase of cases) {
      const skipped = await benchCase.prepare()
      if (skipped !== undefined) log(`${benchCase.label}: skipped, ${skipped}`)
      results.push({ benchCase, runs: [], ...(skipped === undefined ? {} : { skipped }) })
    }
    if (!hasGnuTime()) log('GNU time (/usr/bin/time) is not installed: CPU and peak RSS will show as —')

    for (let round = 1; round <= options.runs; round++) {
      for (const result of results) {
        if (result.skipped !== undefined) continue
        await flushDiskWrites()
        await readIntoCache(inputs)
        const run = await result.benchCase.run(round)
        result.runs.push(run)
        log(`run ${round}/${options.runs}  ${result.benchCase.label.padEnd(20)} ${describeRun(run)}`)
      }
    }

    const summaries = summarizeCases(results)
    const targets = evaluateTargets(summaries)
    const environment = describeEnvironment()
    if (options.json) {
      process.stdout.write(JSON.stringify({ environment, options, elapsedSeconds: (Date.now() - startedAt) / 1000, cases: summaries, targets }, null, 2) + '\n')
    } else {
      const workload = [
        ...(source === undefined ? [] : [`${formatSize(options.sizeBytes)} ${options.sparse ? 'sparse ' : ''}file`]),
        ...(smallFiles === undefined ? [] : [`${options.smallFiles} × ${formatSize(options.smallFileSizeBytes)} small files`])
      ]
      const title = `p2p-file-transfer benchmark: ${workload.join(', ')}, ${options.runs} interleaved run(s), all on 127.0.0.1`
      const lines = [
        `${environment.cpu} × ${environment.cores} cores, ${environment.os}, Node ${environment.node}, ${environment.date}`,
        `p2p-client ran from ${environment.client === 'bundled' ? 'its bundled build' : 'its TypeScript sources (the bundled build is missing or older than them: npm run build)'}`,
        `MB = 10^6 bytes; median and min–max over the runs; CPU = user + system, median; RSS = largest over the runs; each run starts after a sync, with its input in the page cache; took ${((Date.now() - startedAt) / 1000).toFixed(0)} s`
      ]
      process.stdout.write(formatTable({ title, lines }, summaries, targets) + '\n')
    }
    return 0
  } catch (err) {
    log(`benchmark failed: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  } finally {
    process.removeListener('SIGINT', onInterrupt)
    for (const benchCase of cases) await benchCase.dispose().catch(() => {})
    await server?.stop().catch(() => {})
    if (keep) log(`kept ${workDir}`)
    else await rm(workDir, { recursive: true, force: true })
  }
}

interface CaseDeps {
  workDir: string
  timeoutMs: number
  options: BenchOptions
  source: SourceFile | undefined
  smallFiles: SmallFiles | undefined
  server: SignalServer | undefined
}

function createCase (id: CaseId, deps: CaseDeps): BenchCase {
  const { workDir, timeoutMs, source, smallFiles, server } = deps
  const { cpuProfDir } = deps.options
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`case ${id} is missing its input`)
    return value
  }
  switch (id) {
    case 'raw': return createRawTcpPipeCase({ source: need(source), workDir, timeoutMs })
    case 'tls': return createTlsPipeCase({ source: need(source), workDir, timeoutMs })
    case 'scp': return createScpCopyCase({ source: need(source), workDir, timeoutMs, log })
    case 'stack': return createLibp2pStackCase({ source: need(source), workDir, timeoutMs })
    case 'nolane': return createP2pStreamCase({ source: need(source), workDir, timeoutMs, serverUrl: need(server).url, cpuProfDir })
    case 'ours': return createP2pDirectCase({ source: need(source), workDir, timeoutMs, serverUrl: need(server).url, cpuProfDir })
    case 'relayed': return createP2pRelayedCase({ source: need(source), workDir, timeoutMs, serverUrl: need(server).url, cpuProfDir, relayCpuSeconds: need(server).cpuSeconds })
    case 'small': return createP2pSmallFilesCase({
      smallFiles: need(smallFiles),
      workDir,
      timeoutMs: MIN_RUN_TIMEOUT_MS + deps.options.smallFiles * SMALL_FILE_TIMEOUT_MS,
      serverUrl: need(server).url,
      cpuProfDir
    })
  }
}

function describeRun (run: CaseRun): string {
  const seconds = run.wallMs / 1000
  const rate = (wallSeconds: number): string => run.files > 1
    ? `${(run.files / wallSeconds).toFixed(0)} files/s`
    : `${(run.bytes / MB / wallSeconds).toFixed(0)} MB/s`
  const transfer = run.transferMs === undefined ? '' : ` (transfer phase ${rate(run.transferMs / 1000)})`
  return `${seconds.toFixed(2)} s  ${rate(seconds)}${transfer}  verified`
}

function describeEnvironment (): { cpu: string, cores: number, os: string, node: string, date: string, client: 'bundled' | 'sources' } {
  const cpu = cpus()
  return {
    client: pickEntry().bundled ? 'bundled' : 'sources',
    cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
    cores: cpu.length,
    os: `${osType()} ${release()}`,
    node: process.version,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC'
  }
}
