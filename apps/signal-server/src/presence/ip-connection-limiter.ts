import { networkKeyOf } from './network-key.ts'
import { createTokenBucket, type TokenBucket } from './token-bucket.ts'

export interface IpConnectionLimiterOptions {
  /** Open sessions one address (IPv4, or IPv6 /64) may hold. */
  maxSessionsPerIp: number
  /** New connections per second one address may keep up. */
  connectsPerSecond: number
  /** New connections one address may open at once after being quiet. */
  connectBurst: number
  /** @default Date.now */
  now?: () => number
}

/** Why a connection was turned away, or `ok`. */
export type IpAdmission = 'ok' | 'too-many-sessions' | 'too-many-connects'

interface AddressState {
  sessions: number
  connects: TokenBucket
  lastConnectAtMs: number
}

/**
 * Per-address limits on the signal WebSocket: how many sessions one public address
 * holds and how fast it opens new ones. An IPv6 /64 counts as one address, since
 * anyone holding one can pick any address inside it.
 */
export interface IpConnectionLimiter {
  /** Counts a new connection from `ip` when it is admitted (release it on close). */
  admit: (ip: string) => IpAdmission
  release: (ip: string) => void
  /** Forgets idle addresses whose connect budget has refilled, so memory follows current traffic only. */
  sweep: () => void
  /** Addresses remembered now. */
  readonly trackedCount: number
}

export function createIpConnectionLimiter (options: IpConnectionLimiterOptions): IpConnectionLimiter {
  const now = options.now ?? Date.now
  // After this long without a connect, a bucket is full again and the state says nothing new.
  const refillMs = Math.ceil(1000 * options.connectBurst / options.connectsPerSecond)
  const addresses = new Map<string, AddressState>()

  return {
    admit (ip) {
      const key = networkKeyOf(ip)
      let state = addresses.get(key)
      if (state == null) {
        state = { sessions: 0, connects: createTokenBucket({ ratePerSecond: options.connectsPerSecond, burst: options.connectBurst, now }), lastConnectAtMs: now() }
        addresses.set(key, state)
      }
      state.lastConnectAtMs = now()
      if (!state.connects.tryTake()) return 'too-many-connects'
      if (state.sessions >= options.maxSessionsPerIp) return 'too-many-sessions'
      state.sessions += 1
      return 'ok'
    },

    release (ip) {
      const state = addresses.get(networkKeyOf(ip))
      if (state != null) state.sessions = Math.max(0, state.sessions - 1)
    },

    sweep () {
      const nowMs = now()
      for (const [key, state] of addresses) {
        if (state.sessions === 0 && nowMs - state.lastConnectAtMs >= refillMs) addresses.delete(key)
      }
    },

    get trackedCount () { return addresses.size }
  }
}
