import type { ProcessStats } from '../measure/process-stats.ts'

export type CaseId = 'raw' | 'tls' | 'scp' | 'stack' | 'nolane' | 'ours' | 'relayed' | 'small'
export const CASE_IDS: readonly CaseId[] = ['raw', 'tls', 'scp', 'stack', 'nolane', 'ours', 'relayed', 'small']

/** One transfer of one case, verified before it is returned. */
export interface CaseRun {
  bytes: number
  files: number
  /** The time the case is judged by (each case says from when to when). */
  wallMs: number
  /** Ours only: the engine's own duration from the `done` event (offer accepted → all verified). */
  transferMs?: number
  sender: ProcessStats | null
  receiver: ProcessStats | null
  /** Relayed runs: CPU seconds the relay (the signal server) used during the run, a third process on the same cores. */
  relayCpuSeconds?: number
  /** What was negotiated (cipher, connection type), shown under the table. */
  detail?: string
}

/** One way of moving the bytes. Set up once, run once per round, disposed at the end. */
export interface BenchCase {
  id: CaseId
  label: string
  /** What the wall time covers, for the report. */
  timing: string
  /** Returns why the case cannot run here (missing tool), or undefined when it can. */
  prepare: () => Promise<string | undefined>
  run: (round: number) => Promise<CaseRun>
  dispose: () => Promise<void>
}
