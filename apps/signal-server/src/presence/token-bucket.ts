export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number
  /** Most tokens held at once (and the starting amount). */
  burst: number
  /**
   * Clock in ms.
   * @default Date.now
   */
  now?: () => number
}

export interface TokenBucket {
  /** Takes one token; false when empty (the caller drops the message). */
  tryTake: () => boolean
}

/** A per-connection rate limit: steady `ratePerSecond`, bursts up to `burst`. */
export function createTokenBucket (options: TokenBucketOptions): TokenBucket {
  const now = options.now ?? Date.now
  let tokens = options.burst
  let refilledAtMs = now()

  return {
    tryTake () {
      const nowMs = now()
      tokens = Math.min(options.burst, tokens + (nowMs - refilledAtMs) * options.ratePerSecond / 1000)
      refilledAtMs = nowMs
      if (tokens < 1) return false
      tokens -= 1
      return true
    }
  }
}
