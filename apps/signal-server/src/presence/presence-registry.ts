import type { PeerVisibility, PresencePeer, SignalToClient } from '@p2pft/protocol'
import { MAX_PEERS_PER_NETWORK, MAX_PEERS_PER_ROOM } from './constants.ts'

/** What a registered client told us about itself, plus where it connects from. */
export interface PresenceEntry {
  peerId: string
  name: string
  multiaddrs: string[]
  rooms: string[]
  /** Sees others but is never shown. */
  hidden: boolean
  /** networkKeyOf(observed IP): peers with the same key are on the same network. */
  networkKey: string
}

/** Fields an `update` may change. */
export interface PresenceChanges {
  name?: string | undefined
  multiaddrs?: string[] | undefined
  rooms?: string[] | undefined
}

export type PresenceNoticeMessage = Extract<SignalToClient, { type: 'peer-joined' | 'peer-updated' | 'peer-left' }>

/** One message for one registered peer, produced by a change. */
export interface PresenceNotice {
  to: string
  message: PresenceNoticeMessage
}

export interface PresenceChangeResult {
  notices: PresenceNotice[]
  /** Requested rooms that were full, so the peer was not put in them. */
  fullRooms: string[]
}

export interface PresenceRegistryOptions {
  /** @default MAX_PEERS_PER_ROOM */
  maxPeersPerRoom?: number
  /** @default MAX_PEERS_PER_NETWORK */
  maxPeersPerNetwork?: number
}

/**
 * Who is registered and who may see whom. Pure bookkeeping: every change returns
 * the `peer-joined` / `peer-updated` / `peer-left` messages it causes, and the
 * caller delivers them.
 *
 * Two peers see each other when they share a network key or a room; `via` says
 * which, and `rooms` lists only the shared rooms. Hidden peers are never shown.
 */
export interface PresenceRegistry {
  readonly size: number
  has: (peerId: string) => boolean
  /** Adds a peer, or replaces one with the same PeerId. Notices go to others only: the peer itself gets `visiblePeers`. */
  upsert: (entry: PresenceEntry) => PresenceChangeResult
  /** Changes a registered peer; notices go to others and, for room changes, to the peer itself. */
  update: (peerId: string, changes: PresenceChanges) => PresenceChangeResult
  remove: (peerId: string) => PresenceNotice[]
  /** Everyone `viewerId` may see, as it sees them. */
  visiblePeers: (viewerId: string) => PresencePeer[]
  canSee: (viewerId: string, targetId: string) => boolean
}

interface Member {
  peerId: string
  name: string
  multiaddrs: string[]
  rooms: ReadonlySet<string>
  hidden: boolean
  /** Undefined when the network group was full: the peer is then visible through rooms only. */
  networkKey: string | undefined
}

export function createPresenceRegistry (options: PresenceRegistryOptions = {}): PresenceRegistry {
  const maxPeersPerRoom = options.maxPeersPerRoom ?? MAX_PEERS_PER_ROOM
  const maxPeersPerNetwork = options.maxPeersPerNetwork ?? MAX_PEERS_PER_NETWORK
  const members = new Map<string, Member>()
  const byNetwork = new Map<string, Set<string>>()
  const byRoom = new Map<string, Set<string>>()

  function viewOf (viewer: Member, target: Member): PresencePeer | undefined {
    if (viewer.peerId === target.peerId || target.hidden) return undefined
    const via: PeerVisibility[] = []
    if (viewer.networkKey != null && viewer.networkKey === target.networkKey) via.push('network')
    const rooms = [...target.rooms].filter(room => viewer.rooms.has(room)).sort()
    if (rooms.length > 0) via.push('room')
    if (via.length === 0) return undefined
    return { peerId: target.peerId, name: target.name, multiaddrs: target.multiaddrs, via, rooms }
  }

  /** Everyone sharing a group with `member`: the only candidates for seeing or being seen. */
  function neighboursOf (member: Member): Member[] {
    const ids = new Set<string>(member.networkKey == null ? [] : byNetwork.get(member.networkKey))
    for (const room of member.rooms) {
      for (const id of byRoom.get(room) ?? []) ids.add(id)
    }
    ids.delete(member.peerId)
    return [...ids].flatMap(id => members.get(id) ?? [])
  }

  /** viewer PeerId → how that viewer sees `target`. */
  function viewersOf (target: Member): Map<string, PresencePeer> {
    const views = new Map<string, PresencePeer>()
    for (const viewer of neighboursOf(target)) {
      const view = viewOf(viewer, target)
      if (view != null) views.set(viewer.peerId, view)
    }
    return views
  }

  /** target PeerId → how `viewer` sees that target. */
  function visibleTo (viewer: Member): Map<string, PresencePeer> {
    const views = new Map<string, PresencePeer>()
    for (const target of neighboursOf(viewer)) {
      const view = viewOf(viewer, target)
      if (view != null) views.set(target.peerId, view)
    }
    return views
  }

  function addToGroups (member: Member): void {
    if (member.networkKey != null) groupOf(byNetwork, member.networkKey).add(member.peerId)
    for (const room of member.rooms) groupOf(byRoom, room).add(member.peerId)
  }

  function removeFromGroups (member: Member): void {
    if (member.networkKey != null) leaveGroup(byNetwork, member.networkKey, member.peerId)
    for (const room of member.rooms) leaveGroup(byRoom, room, member.peerId)
  }

  /** Keeps the rooms that have space (or already hold the peer); returns the full ones too. */
  function admitRooms (peerId: string, requested: readonly string[]): { rooms: Set<string>, fullRooms: string[] } {
    const rooms = new Set<string>()
    const fullRooms: string[] = []
    for (const room of new Set(requested)) {
      const group = byRoom.get(room)
      if (group == null || group.has(peerId) || group.size < maxPeersPerRoom) rooms.add(room)
      else fullRooms.push(room)
    }
    return { rooms, fullRooms }
  }

  function admitNetwork (peerId: string, networkKey: string): string | undefined {
    const group = byNetwork.get(networkKey)
    return group == null || group.has(peerId) || group.size < maxPeersPerNetwork ? networkKey : undefined
  }

  /** Swaps the record of `peerId` (absent when `next` is undefined) and returns who must hear about it. */
  function replace (peerId: string, next: Member | undefined, notifySelf: boolean): PresenceNotice[] {
    const previous = members.get(peerId)
    const seenBefore = previous == null ? new Map() : viewersOf(previous)
    const sawBefore = previous == null || !notifySelf ? new Map() : visibleTo(previous)
    if (previous != null) {
      removeFromGroups(previous)
      members.delete(peerId)
    }
    if (next != null) {
      members.set(peerId, next)
      addToGroups(next)
    }
    const seenAfter = next == null ? new Map() : viewersOf(next)
    const sawAfter = next == null || !notifySelf ? new Map() : visibleTo(next)
    return [
      ...diffViews(seenBefore, seenAfter, viewerId => viewerId),
      ...diffViews(sawBefore, sawAfter, () => peerId)
    ]
  }

  return {
    get size () { return members.size },

    has: peerId => members.has(peerId),

    upsert (entry) {
      const { rooms, fullRooms } = admitRooms(entry.peerId, entry.rooms)
      const member: Member = {
        peerId: entry.peerId,
        name: entry.name,
        multiaddrs: entry.multiaddrs,
        rooms,
        hidden: entry.hidden,
        networkKey: admitNetwork(entry.peerId, entry.networkKey)
      }
      return { notices: replace(entry.peerId, member, false), fullRooms }
    },

    update (peerId, changes) {
      const previous = members.get(peerId)
      if (previous == null) return { notices: [], fullRooms: [] }
      const { rooms, fullRooms } = changes.rooms == null
        ? { rooms: previous.rooms, fullRooms: [] }
        : admitRooms(peerId, changes.rooms)
      const member: Member = {
        ...previous,
        name: changes.name ?? previous.name,
        multiaddrs: changes.multiaddrs ?? previous.multiaddrs,
        rooms
      }
      return { notices: replace(peerId, member, true), fullRooms }
    },

    remove: peerId => replace(peerId, undefined, false),

    visiblePeers (viewerId) {
      const viewer = members.get(viewerId)
      return viewer == null ? [] : [...visibleTo(viewer).values()]
    },

    canSee (viewerId, targetId) {
      const viewer = members.get(viewerId)
      const target = members.get(targetId)
      return viewer != null && target != null && viewOf(viewer, target) != null
    }
  }
}

function groupOf (groups: Map<string, Set<string>>, key: string): Set<string> {
  let group = groups.get(key)
  if (group == null) {
    group = new Set()
    groups.set(key, group)
  }
  return group
}

function leaveGroup (groups: Map<string, Set<string>>, key: string, peerId: string): void {
  const group = groups.get(key)
  group?.delete(peerId)
  if (group?.size === 0) groups.delete(key)
}

/** Turns two snapshots of views into joined / updated / left messages, addressed by `addressee(key)`. */
function diffViews (
  before: Map<string, PresencePeer>,
  after: Map<string, PresencePeer>,
  addressee: (key: string) => string
): PresenceNotice[] {
  const notices: PresenceNotice[] = []
  for (const [key, peer] of after) {
    const old = before.get(key)
    if (old == null) notices.push({ to: addressee(key), message: { type: 'peer-joined', peer } })
    else if (JSON.stringify(old) !== JSON.stringify(peer)) notices.push({ to: addressee(key), message: { type: 'peer-updated', peer } })
  }
  for (const [key, peer] of before) {
    if (!after.has(key)) notices.push({ to: addressee(key), message: { type: 'peer-left', peerId: peer.peerId } })
  }
  return notices
}
