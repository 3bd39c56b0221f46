import type { OfferDecision } from '@p2pft/transfer'
import {
  MAX_RATE_LIMITED_PEERS, OFFER_BURST_OVERALL, OFFER_BURST_PER_PEER, OFFER_INTERVAL_OVERALL_MS, OFFER_INTERVAL_PER_PEER_MS
} from '../constants.ts'

export interface OfferRateLimiterOptions {
  /** Offers one device may make back to back. @default OFFER_BURST_PER_PEER */
  perPeerBurst?: number
  /** A device earns one more offer this often. @default OFFER_INTERVAL_PER_PEER_MS */
  perPeerIntervalMs?: number
  /** Offers all devices together may make back to back. @default OFFER_BURST_OVERALL */
  overallBurst?: number
  /** All devices together earn one more offer this often. @default OFFER_INTERVAL_OVERALL_MS */
  overallIntervalMs?: number
  /** Devices remembered at most. @default MAX_RATE_LIMITED_PEERS */
  maxPeers?: number
  /** Clock in ms. @default Date.now */
  now?: () => number
}

export type OfferDecline = Extract<OfferDecision, { accept: false }>

export interface OfferRateLimiter {
  /** Counts an offer from `peerId`: undefined when it may go on to be decided, else the decline to answer with. */
  take: (peerId: string) => OfferDecline | undefined
}

/** A token bucket's state: offers in hand, and when that was last brought up to date. */
interface Allowance {
  tokens: number
  atMs: number
}

/**
 * Token buckets for incoming offers, one per remote device and one for all of them, so a
 * hostile or broken peer (or many PeerIds made for the purpose) cannot flood the person
 * with prompts or the app with transfers. An offer is counted only when both allow it.
 */
export function createOfferRateLimiter (options: OfferRateLimiterOptions = {}): OfferRateLimiter {
  const perPeerBurst = options.perPeerBurst ?? OFFER_BURST_PER_PEER
  const perPeerIntervalMs = options.perPeerIntervalMs ?? OFFER_INTERVAL_PER_PEER_MS
  const overallBurst = options.overallBurst ?? OFFER_BURST_OVERALL
  const overallIntervalMs = options.overallIntervalMs ?? OFFER_INTERVAL_OVERALL_MS
  const maxPeers = options.maxPeers ?? MAX_RATE_LIMITED_PEERS
  const now = options.now ?? Date.now
  const overall: Allowance = { tokens: overallBurst, atMs: now() }
  const peers = new Map<string, Allowance>()

  const refill = (allowance: Allowance, burst: number, intervalMs: number, nowMs: number): void => {
    allowance.tokens = Math.min(burst, allowance.tokens + (nowMs - allowance.atMs) / intervalMs)
    allowance.atMs = nowMs
  }

  /** Makes room for one more device: first those back to a full allowance (nothing to remember), then the oldest. */
  const forgetSome = (nowMs: number): void => {
    for (const [peerId, allowance] of peers) {
      refill(allowance, perPeerBurst, perPeerIntervalMs, nowMs)
      if (allowance.tokens >= perPeerBurst) peers.delete(peerId)
    }
    for (const peerId of peers.keys()) {
      if (peers.size < maxPeers) break
      peers.delete(peerId)
    }
  }

  const waitSeconds = (allowance: Allowance, intervalMs: number): number => Math.max(1, Math.ceil((1 - allowance.tokens) * intervalMs / 1000))

  return {
    take (peerId) {
      const nowMs = now()
      let peer = peers.get(peerId)
      if (peer === undefined) {
        if (peers.size >= maxPeers) forgetSome(nowMs)
        peer = { tokens: perPeerBurst, atMs: nowMs }
        peers.set(peerId, peer)
      }
      refill(peer, perPeerBurst, perPeerIntervalMs, nowMs)
      refill(overall, overallBurst, overallIntervalMs, nowMs)
      if (peer.tokens < 1) {
        return { accept: false, code: 'TRANSFER_RATE_LIMITED', message: `too many offers from this device: wait ${waitSeconds(peer, perPeerIntervalMs)} s, then send again` }
      }
      if (overall.tokens < 1) {
        return { accept: false, code: 'TRANSFER_RATE_LIMITED', message: `the receiver is getting too many offers right now: wait ${waitSeconds(overall, overallIntervalMs)} s, then send again` }
      }
      peer.tokens -= 1
      overall.tokens -= 1
      return undefined
    }
  }
}
