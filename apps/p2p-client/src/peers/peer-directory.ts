import { EventEmitter } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { PeerId, PeerInfo } from '@libp2p/interface'
import { AppError, type PresencePeer } from '@p2pft/protocol'
import { INFO_QUERY_TIMEOUT_MS } from '../constants.ts'
import type { P2PNode } from '../p2p/create-p2p-node.ts'
import { queryInfo } from '../p2p/info-protocol.ts'
import type { SignalClient } from '../signal/signal-client.ts'

export type Discovery = 'network' | 'room' | 'paired' | 'lan'

/** A device we can send to, however we found it. */
export interface DirectoryPeer {
  peerId: string
  name: string
  via: Discovery[]
  /** LAN addresses first: they are the fastest way to reach a peer on this network. */
  multiaddrs: string[]
}

export interface PeerDirectoryEvents {
  online: [peer: DirectoryPeer]
  offline: [peer: DirectoryPeer]
  /** Still online, but known by another name or found another way (renamed, paired, moved). */
  updated: [peer: DirectoryPeer]
}

export interface PeerDirectory extends EventEmitter<PeerDirectoryEvents> {
  list: () => DirectoryPeer[]
  /** Resolves with the one peer called `nameOrId` (PeerId, or name ignoring case) once it is online. */
  waitFor: (nameOrId: string, timeoutMs: number, signal?: AbortSignal) => Promise<DirectoryPeer>
  close: () => void
}

interface LanPeer { name: string, multiaddrs: string[], lastSeenMs: number, namedAtMs: number }

/** Pause before asking a LAN peer's name (higher PeerId only), and between retries. */
const LAN_NAME_QUERY_STAGGER_MS = 750
/** Name lookups per mDNS sighting before waiting for the next announcement. */
const LAN_NAME_QUERY_ATTEMPTS = 3
/** mDNS re-announces every ~10 s; a LAN peer silent for this long has left. */
const LAN_PEER_EXPIRY_MS = 35_000
/** A LAN peer's name is asked again when it is seen after this long, so a rename shows without a restart. */
const LAN_NAME_REFRESH_MS = 30_000

export interface PeerDirectoryDeps {
  node: P2PNode
  signal?: SignalClient
  log: Logger
}

/**
 * One list of the devices online right now, from the signal server's presence and
 * from mDNS on this LAN (names asked over the info protocol).
 */
export function createPeerDirectory (deps: PeerDirectoryDeps): PeerDirectory {
  const log = deps.log.child({ component: 'peer-directory' })
  const emitter = new EventEmitter<PeerDirectoryEvents>()
  const lanPeers = new Map<string, LanPeer>()
  const lanQueries = new Set<string>()
  let presencePeers: PresencePeer[] = [...(deps.signal?.peers.values() ?? [])]
  let current = new Map<string, DirectoryPeer>()
  const controller = new AbortController()

  const merge = (): Map<string, DirectoryPeer> => {
    const merged = new Map<string, DirectoryPeer>()
    for (const [peerId, lan] of lanPeers) {
      merged.set(peerId, { peerId, name: lan.name, via: ['lan'], multiaddrs: [...lan.multiaddrs] })
    }
    for (const peer of presencePeers) {
      const existing = merged.get(peer.peerId)
      merged.set(peer.peerId, {
        peerId: peer.peerId,
        name: peer.name,
        via: [...(existing?.via ?? []), ...peer.via],
        multiaddrs: [...new Set([...(existing?.multiaddrs ?? []), ...peer.multiaddrs])]
      })
    }
    return merged
  }

  const refresh = (): void => {
    const next = merge()
    const previous = current
    current = next
    for (const [peerId, peer] of previous) if (!next.has(peerId)) emitter.emit('offline', peer)
    for (const [peerId, peer] of next) {
      const before = previous.get(peerId)
      if (before === undefined) emitter.emit('online', peer)
      else if (before.name !== peer.name || before.via.join() !== peer.via.join()) emitter.emit('updated', peer)
    }
  }

  const onPresence = (peers: PresencePeer[]): void => { presencePeers = peers; refresh() }
  deps.signal?.on('peers', onPresence)

  const askName = async (peerId: PeerId, multiaddrs: string[]): Promise<void> => {
    const id = peerId.toString()
    lanQueries.add(id)
    try {
      // Both sides find each other at the same moment; if both dial, one connection can be
      // lost in the race. The higher PeerId waits a little and reuses the other's connection.
      if (id < deps.node.peerId.toString()) await sleep(LAN_NAME_QUERY_STAGGER_MS, controller.signal)
      for (let attempt = 1; ; attempt++) {
        try {
          const info = await queryInfo(deps.node, peerId, AbortSignal.any([controller.signal, AbortSignal.timeout(INFO_QUERY_TIMEOUT_MS)]))
          lanPeers.set(id, { name: info.name, multiaddrs, lastSeenMs: Date.now(), namedAtMs: Date.now() })
          refresh()
          return
        } catch (err) {
          log.debug({ err, peerId: id, attempt }, 'LAN peer did not tell its name')
          if (attempt >= LAN_NAME_QUERY_ATTEMPTS || controller.signal.aborted) return
          await sleep(LAN_NAME_QUERY_STAGGER_MS * attempt, controller.signal)
        }
      }
    } catch {
      // Closed while waiting: nothing to do.
    } finally {
      lanQueries.delete(id)
    }
  }

  const onLanPeer = (event: CustomEvent<PeerInfo>): void => {
    const { id, multiaddrs } = event.detail
    const addrs = multiaddrs.map(String).filter(addr => !addr.includes('/p2p-circuit'))
    if (addrs.length === 0) return
    const known = lanPeers.get(id.toString())
    if (known !== undefined) {
      known.lastSeenMs = Date.now()
      if (known.lastSeenMs - known.namedAtMs > LAN_NAME_REFRESH_MS && !lanQueries.has(id.toString())) {
        known.namedAtMs = known.lastSeenMs
        void askName(id, addrs)
      }
      return
    }
    if (!lanQueries.has(id.toString())) void askName(id, addrs)
  }
  const lanDiscovery = deps.node.services.mdns
  lanDiscovery?.addEventListener('peer', onLanPeer)

  const expiryTimer = setInterval(() => {
    const now = Date.now()
    let changed = false
    for (const [peerId, lan] of lanPeers) {
      if (now - lan.lastSeenMs > LAN_PEER_EXPIRY_MS) { lanPeers.delete(peerId); changed = true }
    }
    if (changed) refresh()
  }, 5_000)
  expiryTimer.unref()

  const findMatches = (nameOrId: string): DirectoryPeer[] => {
    const byId = current.get(nameOrId)
    if (byId !== undefined) return [byId]
    const wanted = nameOrId.toLocaleLowerCase()
    return [...current.values()].filter(peer => peer.name.toLocaleLowerCase() === wanted)
  }

  const waitFor = async (nameOrId: string, timeoutMs: number, signal?: AbortSignal): Promise<DirectoryPeer> => {
    return await new Promise((resolve, reject) => {
      const check = (): boolean => {
        const matches = findMatches(nameOrId)
        if (matches.length === 1 && matches[0] !== undefined) { settle(); resolve(matches[0]); return true }
        if (matches.length > 1) {
          settle()
          reject(new AppError('TRANSFER_PEER_NOT_FOUND', `${matches.length} devices are called "${nameOrId}": send to one by its PeerId (${matches.map(p => p.peerId).join(', ')})`))
          return true
        }
        return false
      }
      const onOnline = (): void => { check() }
      const onAbort = (): void => { settle(); reject(new AppError('TRANSFER_CANCELLED', 'cancelled while waiting for the receiver')) }
      const timer = setTimeout(() => {
        settle()
        reject(new AppError('TRANSFER_PEER_NOT_FOUND', `no device called "${nameOrId}" came online within ${Math.round(timeoutMs / 1000)} s; check that it is running, on the same server and room, or on this LAN`))
      }, timeoutMs)
      function settle (): void {
        clearTimeout(timer)
        emitter.off('online', onOnline)
        emitter.off('updated', onOnline)
        signal?.removeEventListener('abort', onAbort)
      }
      emitter.on('online', onOnline)
      emitter.on('updated', onOnline)
      signal?.addEventListener('abort', onAbort)
      check()
    })
  }

  refresh()

  return Object.assign(emitter, {
    list: () => [...current.values()],
    waitFor,
    close (): void {
      controller.abort()
      clearInterval(expiryTimer)
      deps.signal?.off('peers', onPresence)
      lanDiscovery?.removeEventListener('peer', onLanPeer)
    }
  })
}
