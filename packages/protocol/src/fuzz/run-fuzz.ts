import { AppError } from '../app-error.ts'
import { isErrorCode, type ErrorCode } from '../error-codes.ts'
import { FUZZ_HANG_BOUND_MS, REPORTED_INPUT_BYTES } from './constants.ts'
import { mutateBytes } from './mutate-bytes.ts'
import { mutateJson } from './mutate-json.ts'
import { createSeededRandom } from './seeded-random.ts'

export interface FuzzTarget<T> {
  name: string
  /** Valid inputs (the seed corpus): each must decode, and round-trip when `encode` is given. */
  seeds: Uint8Array[]
  /** Inputs that once broke a decoder: each is checked as it is, like a mutated input. @default [] */
  regressions?: Uint8Array[]
  /** How seeds are damaged: structurally as JSON (plus some byte damage), or as raw bytes. */
  mutation: 'json' | 'bytes'
  /** Decodes one input; may be async (a stream reader), then it is bounded by the hang deadline. */
  decode: (input: Uint8Array) => T | Promise<T>
  /** Encodes a decoded value again; decoding that must give an equal value (compared as JSON, so -0 equals 0). */
  encode?: (value: T) => Uint8Array
  /** Codes a rejection may carry; anything else (another code, a TypeError, a RangeError) fails the run. */
  codes: readonly ErrorCode[]
}

export interface FuzzOptions {
  seed: number
  iterations: number
  /** @default FUZZ_HANG_BOUND_MS */
  hangBoundMs?: number
}

export interface FuzzReport {
  inputs: number
  accepted: number
  /** Rejections per code: shows the inputs reach past the first check. */
  rejected: Partial<Record<ErrorCode, number>>
}

const utf8 = new TextDecoder()

function toHex (input: Uint8Array): string {
  const shown = Buffer.from(input.subarray(0, REPORTED_INPUT_BYTES)).toString('hex')
  return input.byteLength > REPORTED_INPUT_BYTES ? `${shown}… (${input.byteLength} bytes)` : shown
}

/** A failed fuzz run, with the input that broke it. */
class FuzzFailure extends Error {
  readonly input: Uint8Array

  constructor (message: string, input: Uint8Array, cause?: unknown) {
    super(message, { cause })
    this.name = 'FuzzFailure'
    this.input = input
  }
}

/** A failure that says how to replay it and shows the input, ready for the corpus. */
function fuzzFailure (target: string, seed: number, index: number, input: Uint8Array, problem: string, cause?: unknown): FuzzFailure {
  return new FuzzFailure(
    `fuzzing ${target} failed on input ${index}: ${problem}. Replay: P2PFT_FUZZ_SEED=${seed}. ` +
    `Add the input to the corpus once fixed. Input (hex): ${toHex(input)}`, input, cause)
}

const HANG = Symbol('hang')

async function withinDeadline<T> (work: Promise<T>, deadlineMs: number): Promise<T | typeof HANG> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([work, new Promise<typeof HANG>(resolve => { timer = setTimeout(resolve, deadlineMs, HANG) })])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Feeds `iterations` mutated seeds to a decoder. Passes only if every input decodes (and
 * round-trips) or is rejected with an AppError carrying one of `codes`, each within the
 * hang bound. Throws an Error naming the seed and the input otherwise.
 */
export async function runFuzz<T> (target: FuzzTarget<T>, options: FuzzOptions): Promise<FuzzReport> {
  const { seed, iterations } = options
  const hangBoundMs = options.hangBoundMs ?? FUZZ_HANG_BOUND_MS
  const random = createSeededRandom(seed)
  const seedTexts = target.mutation === 'json' ? target.seeds.map(bytes => utf8.decode(bytes)) : []
  const report: FuzzReport = { inputs: 0, accepted: 0, rejected: {} }

  const check = async (index: number, input: Uint8Array, mustAccept: boolean): Promise<void> => {
    const startedMs = performance.now()
    let value: T
    try {
      const decoded = target.decode(input)
      if (decoded instanceof Promise) {
        const settled = await withinDeadline(decoded, hangBoundMs)
        if (settled === HANG) throw fuzzFailure(target.name, seed, index, input, `no result within ${hangBoundMs} ms (a hang)`)
        value = settled
      } else {
        value = decoded
      }
    } catch (err) {
      if (err instanceof AppError && isErrorCode(err.code) && target.codes.includes(err.code) && !mustAccept) {
        report.rejected[err.code] = (report.rejected[err.code] ?? 0) + 1
        value = undefined as T
      } else if (err instanceof FuzzFailure) {
        throw err
      } else {
        const what = err instanceof AppError ? `rejected with ${err.code}: ${err.message}` : `threw ${String(err)}`
        throw fuzzFailure(target.name, seed, index, input, mustAccept ? `a valid seed was ${what}` : `${what} (not a typed error with an expected code)`, err)
      }
      checkHang(index, input, startedMs)
      return
    }
    checkHang(index, input, startedMs)
    report.accepted++
    if (target.encode === undefined) return
    let again: T
    try {
      again = await target.decode(target.encode(value))
    } catch (err) {
      throw fuzzFailure(target.name, seed, index, input, `an accepted input did not decode after re-encoding: ${String(err)}`, err)
    }
    if (JSON.stringify(again) !== JSON.stringify(value)) throw fuzzFailure(target.name, seed, index, input, 'an accepted input changed when re-encoded and decoded')
  }

  const checkHang = (index: number, input: Uint8Array, startedMs: number): void => {
    const elapsedMs = performance.now() - startedMs
    if (elapsedMs > hangBoundMs) throw fuzzFailure(target.name, seed, index, input, `took ${Math.round(elapsedMs)} ms (over the ${hangBoundMs} ms hang bound)`)
  }

  // Rejections are counted by the hundred thousand: capturing a stack for each would be most
  // of the run's time. A failure re-runs its input with stacks on, to report where it broke.
  const stackTraceLimit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return await runInputs()
  } catch (err) {
    Error.stackTraceLimit = stackTraceLimit
    throw withStack(err)
  } finally {
    Error.stackTraceLimit = stackTraceLimit
  }

  async function runInputs (): Promise<FuzzReport> {
  for (const [index, input] of target.seeds.entries()) await check(-1 - index, input, true)
  for (const [index, input] of (target.regressions ?? []).entries()) await check(-1 - target.seeds.length - index, input, false)
  for (let index = 0; index < iterations; index++) {
    const seedIndex = random.int(target.seeds.length)
    const input = target.mutation === 'json'
      ? mutateJson(random, seedTexts[seedIndex] ?? '')
      : mutateBytes(random, target.seeds[seedIndex] as Uint8Array)
    report.inputs++
    await check(index, input, false)
  }
  if (Object.hasOwn(Object.prototype, 'polluted')) throw new Error(`fuzzing ${target.name} polluted Object.prototype. Replay: P2PFT_FUZZ_SEED=${seed}`)
  return report
  }

  /** The failure again, its cause now carrying a stack from decoding the same input once more. */
  function withStack (err: unknown): unknown {
    if (!(err instanceof FuzzFailure)) return err
    try {
      const again = target.decode(err.input)
      if (again instanceof Promise) again.catch(() => {})
    } catch (cause) {
      return new FuzzFailure(err.message, err.input, cause)
    }
    return err
  }
}
