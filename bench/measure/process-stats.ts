import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** What one side of a transfer cost: its whole process tree, as the kernel counted it. */
export interface ProcessStats {
  cpuUserSeconds: number
  cpuSystemSeconds: number
  /** Largest resident set of any one process in the tree (ru_maxrss). */
  peakRssBytes: number
}

export interface MeasuredExit {
  code: number | null
  signal: NodeJS.Signals | null
  /** From spawn to exit, as seen by the benchmark. */
  wallMs: number
  /** Null when GNU time is not installed: throughput is still measured. */
  stats: ProcessStats | null
}

export interface MeasuredProcess {
  child: ChildProcess
  exited: Promise<MeasuredExit>
  stdout: () => string
  stderr: () => string
  /** Resolves with the first line (past or future) of that stream that matches. */
  waitForLine: (stream: 'stdout' | 'stderr', predicate: (line: string) => boolean, timeoutMs: number) => Promise<string>
  /** The measured program's pid (not the `time` wrapper's). */
  programPid: () => number | undefined
  /** Signals the measured program itself (not the `time` wrapper, which would then report nothing). */
  kill: (signal?: NodeJS.Signals) => void
}

export interface SpawnMeasuredOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
}

const TIME_BIN = '/usr/bin/time'
/** Elapsed, user, system, max RSS in KiB; GNU time writes it as the last line of its -o file. */
const TIME_FORMAT = '%e %U %S %M'

let gnuTime: boolean | undefined

/** GNU time reads the child's rusage from wait4(): exact CPU and peak RSS, children included. */
export function hasGnuTime (): boolean {
  if (gnuTime === undefined) {
    const probe = spawnSync(TIME_BIN, ['--version'], { encoding: 'utf8' })
    gnuTime = probe.status === 0 && /GNU/.test(`${probe.stdout}${probe.stderr}`)
  }
  return gnuTime
}

/** Starts `command` under GNU time (when present) and collects its output and rusage. */
export function spawnMeasured (command: string, args: string[], options: SpawnMeasuredOptions = {}): MeasuredProcess {
  const statsPath = hasGnuTime() ? join(tmpdir(), `p2pft-bench-rusage-${randomUUID()}`) : undefined
  const [file, argv] = statsPath === undefined
    ? [command, args]
    : [TIME_BIN, ['-f', TIME_FORMAT, '-o', statsPath, '--', command, ...args]]
  const startedAt = performance.now()
  const child = spawn(file, argv, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines = { stdout: [] as string[], stderr: [] as string[] }
  const listeners = new Set<() => void>()
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream] }).on('line', (line) => {
      lines[stream].push(line)
      for (const listener of listeners) listener()
    })
  }

  const exited = new Promise<MeasuredExit>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - startedAt
      void readStats(statsPath).then((stats) => { resolve({ code, signal, wallMs, stats }) }, reject)
    })
  })
  let hasExited = false
  void exited.finally(() => { hasExited = true }).catch(() => {})

  const waitForLine = async (stream: 'stdout' | 'stderr', predicate: (line: string) => boolean, timeoutMs: number): Promise<string> => {
    return await new Promise((resolve, reject) => {
      const check = (): void => {
        const found = lines[stream].find(predicate)
        if (found !== undefined) { cleanup(); resolve(found) }
      }
      const fail = (why: string): void => {
        cleanup()
        reject(new Error(`${command}: ${why} waiting for its ${stream}\nstdout:\n${lines.stdout.join('\n')}\nstderr:\n${lines.stderr.join('\n')}`))
      }
      const timer = setTimeout(() => { fail(`timed out after ${timeoutMs} ms`) }, timeoutMs)
      void exited.then((exit) => { setImmediate(() => { if (listeners.has(check)) fail(`exited (${exit.code ?? exit.signal})`) }) }, () => {})
      function cleanup (): void { clearTimeout(timer); listeners.delete(check) }
      listeners.add(check)
      check()
    })
  }

  const programPid = (): number | undefined => statsPath === undefined ? child.pid : (wrappedPid(child.pid) ?? child.pid)

  return {
    child,
    exited,
    stdout: () => lines.stdout.join('\n'),
    stderr: () => lines.stderr.join('\n'),
    waitForLine,
    programPid,
    kill (signal: NodeJS.Signals = 'SIGTERM'): void {
      if (hasExited) return
      const pid = programPid()
      try {
        if (pid !== undefined) process.kill(pid, signal)
      } catch { /* already gone */ }
    }
  }
}

/** Runs a command to completion; throws with its output if it fails. */
export async function runMeasured (command: string, args: string[], timeoutMs: number, options: SpawnMeasuredOptions = {}): Promise<MeasuredExit & { process: MeasuredProcess }> {
  const measured = spawnMeasured(command, args, options)
  const exit = await withTimeout(measured, timeoutMs)
  if (exit.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${exit.code ?? exit.signal})\n${measured.stderr()}`)
  return { ...exit, process: measured }
}

/** Waits for exit; past the deadline, kills the process and rejects. */
export async function withTimeout (measured: MeasuredProcess, timeoutMs: number): Promise<MeasuredExit> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      measured.kill('SIGKILL')
      reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s\nstdout:\n${measured.stdout()}\nstderr:\n${measured.stderr()}`))
    }, timeoutMs)
  })
  try {
    return await Promise.race([measured.exited, timedOut])
  } finally {
    clearTimeout(timer)
  }
}

/** The pid of the program GNU time is waiting for (its only child). */
function wrappedPid (timePid: number | undefined): number | undefined {
  return timePid === undefined ? undefined : childPids(timePid)[0]
}

/** Live children of `pid` (Linux; empty elsewhere or once it has exited). */
export function childPids (pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number).filter(n => Number.isInteger(n) && n > 0)
  } catch {
    return []
  }
}

async function readStats (statsPath: string | undefined): Promise<ProcessStats | null> {
  if (statsPath === undefined) return null
  try {
    const text = await readFile(statsPath, 'utf8')
    const last = text.trim().split('\n').at(-1) ?? ''
    const [, user, system, maxRssKib] = last.split(' ').map(Number)
    if (user === undefined || system === undefined || maxRssKib === undefined || [user, system, maxRssKib].some(Number.isNaN)) return null
    return { cpuUserSeconds: user, cpuSystemSeconds: system, peakRssBytes: maxRssKib * 1024 }
  } catch {
    return null
  } finally {
    await rm(statsPath, { force: true })
  }
}
