/** How long `send` keeps retrying an interrupted transfer by default: rides out a reboot or a network change. */
export const DEFAULT_RETRY_FOR_MS = 5 * 60_000
/** First wait before a retry: long enough for a restarting peer's socket to be gone. */
export const RETRY_MIN_MS = 1_000
/** Longest wait between retries: a peer that comes back is found within this. */
export const RETRY_MAX_MS = 15_000

/** The wait before retry number `attempt` (1, 2, ...): doubling from RETRY_MIN_MS to RETRY_MAX_MS, ±20% jitter. */
export function retryDelayMs (attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.8 + 0.4 * random()))
}
