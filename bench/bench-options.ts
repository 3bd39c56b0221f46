import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CASE_IDS, type CaseId } from './cases/bench-case.ts'
import { DEFAULT_RUNS, DEFAULT_SIZE_BYTES, DEFAULT_SMALL_FILE_SIZE_BYTES, DEFAULT_SMALL_FILES, GIB, KIB, MIB } from './constants.ts'

export interface BenchOptions {
  /** Size of the generated file. @default 1 GiB */
  sizeBytes: number
  /** Rounds; each round runs every case once, in order. @default 5 */
  runs: number
  /** Files in the small-files folder. @default 10000 */
  smallFiles: number
  /** Size of each small file. @default 4 KiB */
  smallFileSizeBytes: number
  /** Cases to run, in this order. @default all */
  only: CaseId[]
  /** Print the results as one JSON object instead of the table. @default false */
  json: boolean
  /** Keep the temporary folder (generated files, keys) and print where it is. @default false */
  keep: boolean
  /** Send a sparse file (zeros) instead of random data, for memory runs at sizes like 10 GiB. @default false */
  sparse: boolean
  /** Write a V8 CPU profile of every p2p-client process into this folder. @default none */
  cpuProfDir?: string
}

export const BENCH_USAGE = `npm run bench -- [options]

Transfers a generated file on 127.0.0.1 with a raw Node TCP pipe, a Node TLS 1.3 pipe,
scp (a throwaway sshd on a loopback port) and p2p-client (direct, relayed, many small
files), interleaved, and prints medians, CPU, peak RSS and the issue 6 targets.

  --size SIZE             file size, e.g. 1GiB, 256MiB, 4096 (bytes)   [1GiB]
  --runs N                rounds; each runs every case once             [${DEFAULT_RUNS}]
  --small-files N         files in the small-files folder               [${DEFAULT_SMALL_FILES}]
  --small-file-size SIZE  size of each small file                       [4KiB]
  --only LIST             comma-separated: ${CASE_IDS.join(',')}   [all]
  --json                  print the results as JSON instead of the table
  --keep                  keep the temporary folder
  --sparse                send a sparse file of --size (zeros) instead of random data:
                          the peak RSS run, e.g. --size 10GiB --runs 1 --only ours --sparse
  --cpu-prof DIR          write a CPU profile of each p2p-client process to DIR
  --help                  this text

Sizes take B, KiB, MiB or GiB (binary). Progress goes to stderr; exit 1 only when a
transfer failed or a file arrived corrupt (missed targets are results, not failures).`

export class UsageError extends Error {}

/** Parses the command line; returns 'help' for --help, throws UsageError for bad input. */
export function parseBenchOptions (argv: string[]): BenchOptions | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        size: { type: 'string' },
        runs: { type: 'string' },
        'small-files': { type: 'string' },
        'small-file-size': { type: 'string' },
        only: { type: 'string' },
        json: { type: 'boolean' },
        keep: { type: 'boolean' },
        sparse: { type: 'boolean' },
        'cpu-prof': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { values } = parsed
  if (values.help === true) return 'help'
  return {
    sizeBytes: values.size === undefined ? DEFAULT_SIZE_BYTES : parseSizeBytes(values.size, '--size'),
    runs: values.runs === undefined ? DEFAULT_RUNS : parsePositiveInteger(values.runs, '--runs'),
    smallFiles: values['small-files'] === undefined ? DEFAULT_SMALL_FILES : parsePositiveInteger(values['small-files'], '--small-files'),
    smallFileSizeBytes: values['small-file-size'] === undefined ? DEFAULT_SMALL_FILE_SIZE_BYTES : parseSizeBytes(values['small-file-size'], '--small-file-size'),
    only: values.only === undefined ? [...CASE_IDS] : parseCaseList(values.only),
    json: values.json === true,
    keep: values.keep === true,
    sparse: values.sparse === true,
    ...(values['cpu-prof'] === undefined ? {} : { cpuProfDir: resolve(values['cpu-prof']) })
  }
}

const UNIT_BYTES: Record<string, number> = { b: 1, kib: KIB, mib: MIB, gib: GIB }

/** `1GiB`, `1.5 MiB`, `4096`, `4096B` → bytes (binary units only, so there is no doubt). */
export function parseSizeBytes (text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = UNIT_BYTES[(match?.[2] ?? '').toLowerCase() || 'b']
  if (match?.[1] === undefined || unit === undefined) throw new UsageError(`${flag} takes a size like 1GiB, 64MiB, 4KiB or 4096B, got "${text}"`)
  const bytes = Math.round(Number(match[1]) * unit)
  if (bytes < 1) throw new UsageError(`${flag} must be at least 1 byte, got "${text}"`)
  return bytes
}

function parsePositiveInteger (text: string, flag: string): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag} takes a whole number ≥ 1, got "${text}"`)
  return value
}

function parseCaseList (text: string): CaseId[] {
  const ids = text.split(',').map(id => id.trim()).filter(id => id !== '')
  const unknown = ids.filter(id => !(CASE_IDS as readonly string[]).includes(id))
  if (unknown.length > 0 || ids.length === 0) throw new UsageError(`--only takes a list of ${CASE_IDS.join(', ')}; got "${text}"`)
  // Keep the standard order, so the interleaving is the same whatever order was typed.
  return CASE_IDS.filter(id => ids.includes(id))
}
