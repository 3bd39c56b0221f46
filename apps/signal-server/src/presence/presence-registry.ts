import type { PeerVisibility, PresencePeer, SignalToClient } from '@p2pft/protocol'
import { MAX_PAIR_TAGS, MAX_PEERS_PER_NETWORK, MAX_PEERS_PER_PAIR_TAG, MAX_PEERS_PER_ROOM, MAX_ROOMS } from './constants.ts'

/** What a registered client told us about itself, plus where it connects from. */
export interface PresenceEntry {
  peerId: string
  name: string
  multiaddrs: string[]
  rooms: string[]
  /** Pair tags: peers sharing one see each other. Never shown to anyone. */
  pairTags: string[]
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
  pairTags?: string[] | undefined
}

export type PresenceNoticeMessage = Extract<SignalToClient, { type: 'peer-joined' | 'peer-updated' | 'peer-left' }>

/** One message for one registered peer, produced by a change. */
export interface PresenceNotice {
  to: string
  message: PresenceNoticeMessage
}

export interface PresenceChangeResult {
  notices: PresenceNotice[]
  /** Requested rooms that were full (or the server holds MAX_ROOMS already), so the peer was not put in them. */
  fullRooms: string[]
  /** Requested rooms refused because `mayJoinRoom` said no (joining too fast). */
  throttledRooms: string[]
}

/**
 * Asked once for every room a peer is not in yet, before it joins it; false refuses that
 * room. The hub rate-limits room joins with it, so nobody can guess room names quickly.
 */
export type MayJoinRoom = () => boolean

export interface PresenceRegistryOptions {
  /** @default MAX_PEERS_PER_ROOM */
  maxPeersPerRoom?: number
  /** @default MAX_PEERS_PER_NETWORK */
  maxPeersPerNetwork?: number
  /** @default MAX_ROOMS */
  maxRooms?: number
  /** @default MAX_PEERS_PER_PAIR_TAG */
  maxPeersPerPairTag?: number
  /** @default MAX_PAIR_TAGS */
  maxPairTags?: number
}

/**
 * Who is registered and who may see whom. Pure bookkeeping: every change returns
 * the `peer-joined` / `peer-updated` / `peer-left` messages it causes, and the
 * caller delivers them.
 *
 * Two peers see each other when they share a network key, a room or a pair tag;
 * `via` says which, and `rooms` lists only the shared rooms. Pair tags are never
 * shown, and a tag that cannot be admitted (its group or the tag table is full) is
 * dropped silently, so nobody learns whether a tag exists. Hidden peers are never shown.
 */
export interface PresenceRegistry {
  readonly size: number
  has: (peerId: string) => boolean
  /** Adds a peer, or replaces one with the same PeerId. Notices go to others only: the peer itself gets `visiblePeers`. */
  upsert: (entry: PresenceEntry, mayJoinRoom?: MayJoinRoom) => PresenceChangeResult
  /** Changes a registered peer; notices go to others and, for room or tag changes, to the peer itself. */
  update: (peerId: string, changes: PresenceChanges, mayJoinRoom?: MayJoinRoom) => PresenceChangeResult
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
  pairTags: ReadonlySet<string>
  hidden: boolean
  /** Undefined when the network group was full: the peer is then visible through rooms only. */
  networkKey: string | undefined
}

export function createPresenceRegistry (options: PresenceRegistryOptions = {}): PresenceRegistry {
  const maxPeersPerRoom = options.maxPeersPerRoom ?? MAX_PEERS_PER_ROOM
  const maxPeersPerNetwork = options.maxPeersPerNetwork ?? MAX_PEERS_PER_NETWORK
  const maxRooms = options.maxRooms ?? MAX_ROOMS
  const maxPeersPerPairTag = options.maxPeersPerPairTag ?? MAX_PEERS_PER_PAIR_TAG
  const maxPairTags = options.maxPairTags ?? MAX_PAIR_TAGS
  const members = new Map<string, Member>()
  const byNetwork = new Map<string, Set<string>>()
  const byRoom = new Map<string, Set<string>>()
  const byPairTag = new Map<string, Set<string>>()

  function viewOf (viewer: Member, target: Member): PresencePeer | undefined {
    if (viewer.peerId === target.peerId || target.hidden) return undefined
    const via: PeerVisibility[] = []
    if (viewer.networkKey != null && viewer.networkKey === target.networkKey) via.push('network')
    const rooms = [...target.rooms].filter(room => viewer.rooms.has(room)).sort()
    if (rooms.length > 0) via.push('room')
    if (sharesAny(viewer.pairTags, target.pairTags)) via.push('paired')
    if (via.length === 0) return undefined
    return { peerId: target.peerId, name: target.name, multiaddrs: target.multiaddrs, via, rooms }
  }

  /** Everyone sharing a group with `member`: the only candidates for seeing or being seen. */
  function neighboursOf (member: Member): Member[] {
    const ids = new Set<string>(member.networkKey == null ? [] : byNetwork.get(member.networkKey))
    for (const room of member.rooms) {
      for (const id of byRoom.get(room) ?? []) ids.add(id)
    }
    for (const tag of member.pairTags) {
      for (const id of byPairTag.get(tag) ?? []) ids.add(id)
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
    for (const tag of member.pairTags) groupOf(byPairTag, tag).add(member.peerId)
  }

  function removeFromGroups (member: Member): void {
    if (member.networkKey != null) leaveGroup(byNetwork, member.networkKey, member.peerId)
    for (const room of member.rooms) leaveGroup(byRoom, room, member.peerId)
    for (const tag of member.pairTags) leaveGroup(byPairTag, tag, member.peerId)
  }

  /** Keeps the rooms that have space (or already hold the peer) and that it may join now; returns the refused ones too. */
  function admitRooms (peerId: string, requested: readonly string[], mayJoinRoom: MayJoinRoom): Omit<PresenceChangeResult, 'notices'> & { rooms: Set<string> } {
    const rooms = new Set<string>()
    const fullRooms: string[] = []
    const throttledRooms: string[] = []
    for (const room of new Set(requested)) {
      const group = byRoom.get(room)
      if (group?.has(peerId) === true) rooms.add(room)
      else if (group == null ? byRoom.size >= maxRooms : group.size >= maxPeersPerRoom) fullRooms.push(room)
      else if (!mayJoinRoom()) throttledRooms.push(room)
      else rooms.add(room)
    }
    return { rooms, fullRooms, throttledRooms }
  }

  /** Keeps the tags that have space (or already hold the peer); the others are dropped without a word. */
  function admitPairTags (peerId: string, requested: readonly string[]): Set<string> {
    const tags = new Set<string>()
    for (const tag of new Set(requested)) {
      const group = byPairTag.get(tag)
      if (group == null ? byPairTag.size < maxPairTags : group.has(peerId) || group.size < maxPeersPerPairTag) tags.add(tag)
    }
    return tags
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

    upsert (entry, mayJoinRoom = alwaysJoin) {
      const { rooms, ...refused } = admitRooms(entry.peerId, entry.rooms, mayJoinRoom)
      const member: Member = {
        peerId: entry.peerId,
        name: entry.name,
        multiaddrs: entry.multiaddrs,
        rooms,
        pairTags: admitPairTags(entry.peerId, entry.pairTags),
        hidden: entry.hidden,
        networkKey: admitNetwork(entry.peerId, entry.networkKey)
      }
      return { notices: replace(entry.peerId, member, false), ...refused }
    },

    update (peerId, changes, mayJoinRoom = alwaysJoin) {
      const previous = members.get(peerId)
      if (previous == null) return { notices: [], fullRooms: [], throttledRooms: [] }
      const { rooms, ...refused } = changes.rooms == null
        ? { rooms: previous.rooms, fullRooms: [], throttledRooms: [] }
        : admitRooms(peerId, changes.rooms, mayJoinRoom)
      const member: Member = {
        ...previous,
        name: changes.name ?? previous.name,
        multiaddrs: changes.multiaddrs ?? previous.multiaddrs,
        rooms,
        pairTags: changes.pairTags == null ? previous.pairTags : admitPairTags(peerId, changes.pairTags)
      }
      return { notices: replace(peerId, member, true), ...refused }
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

function alwaysJoin (): boolean {
  return true
}

function sharesAny (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  for (const item of small) if (large.has(item)) return true
  return false
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
