/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same inputs, so a failure reproduces. */
export interface SeededRandom {
  readonly seed: number
  /** A float in [0, 1). */
  next: () => number
  /** An integer in [0, max). */
  int: (max: number) => number
  /** True with probability `p`. */
  chance: (p: number) => boolean
  pick: <T>(items: readonly T[]) => T
  bytes: (length: number) => Uint8Array
}

export function createSeededRandom (seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (max: number): number => Math.floor(next() * max)
  return {
    seed,
    next,
    int,
    chance: p => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list')
      return items[int(items.length)] as T
    },
    bytes: length => {
      const out = new Uint8Array(length)
      for (let i = 0; i < length; i++) out[i] = int(256)
      return out
    }
  }
}

/** The seed of this run: `P2PFT_FUZZ_SEED` to replay a failure, else a fresh one (printed on failure). */
export function fuzzSeedFromEnv (env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.P2PFT_FUZZ_SEED)
  if (env.P2PFT_FUZZ_SEED !== undefined && env.P2PFT_FUZZ_SEED !== '' && Number.isSafeInteger(given)) return given >>> 0
  return (Date.now() ^ (process.pid << 16)) >>> 0
}

/** Inputs per decoder: `P2PFT_FUZZ_ITERATIONS` for a longer local run. */
export function fuzzIterationsFromEnv (fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const given = Number(env.P2PFT_FUZZ_ITERATIONS)
  return Number.isSafeInteger(given) && given > 0 ? given : fallback
}
