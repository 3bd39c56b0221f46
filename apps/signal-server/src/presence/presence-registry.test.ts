import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createPresenceRegistry, type PresenceEntry, type PresenceNotice } from './presence-registry.ts'

function entry (peerId: string, fields: Partial<PresenceEntry> = {}): PresenceEntry {
  return { peerId, name: peerId, multiaddrs: [], rooms: [], pairTags: [], hidden: false, networkKey: `net-${peerId}`, ...fields }
}

function summary (notices: PresenceNotice[]): string[] {
  return notices.map(({ to, message }) => `${to}:${message.type}:${message.type === 'peer-left' ? message.peerId : message.peer.peerId}`).sort()
}

describe('presence registry', () => {
  it('shows peers on the same network to each other via network', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { networkKey: 'n' }))
    const { notices } = registry.upsert(entry('b', { networkKey: 'n' }))
    assert.deepEqual(summary(notices), ['a:peer-joined:b'])
    assert.deepEqual(registry.visiblePeers('b'), [{ peerId: 'a', name: 'a', multiaddrs: [], via: ['network'], rooms: [] }])
  })

  it('shows peers on different networks only through shared rooms, listing only those rooms', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { rooms: ['team', 'a-only'] }))
    registry.upsert(entry('b', { rooms: ['b-only', 'team'] }))
    registry.upsert(entry('c', { rooms: ['c-only'] }))
    assert.deepEqual(registry.visiblePeers('a'), [{ peerId: 'b', name: 'b', multiaddrs: [], via: ['room'], rooms: ['team'] }])
    assert.deepEqual(registry.visiblePeers('c'), [])
    assert.equal(registry.canSee('a', 'c'), false)
  })

  it('gives both reasons when peers share a network and a room', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { networkKey: 'n', rooms: ['x', 'y'] }))
    registry.upsert(entry('b', { networkKey: 'n', rooms: ['y', 'x'] }))
    const [peer] = registry.visiblePeers('a')
    assert.deepEqual(peer?.via, ['network', 'room'])
    assert.deepEqual(peer?.rooms, ['x', 'y'])
  })

  it('never shows hidden peers, and lets them see others', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { networkKey: 'n' }))
    const { notices } = registry.upsert(entry('h', { networkKey: 'n', hidden: true }))
    assert.deepEqual(notices, [])
    assert.deepEqual(registry.visiblePeers('a'), [])
    assert.deepEqual(registry.visiblePeers('h').map(p => p.peerId), ['a'])
    assert.deepEqual(summary(registry.upsert(entry('b', { networkKey: 'n' })).notices), ['a:peer-joined:b', 'h:peer-joined:b'])
    assert.deepEqual(registry.remove('h'), [])
  })

  it('never shows a peer to itself', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { networkKey: 'n', rooms: ['r'] }))
    assert.deepEqual(registry.visiblePeers('a'), [])
    assert.equal(registry.canSee('a', 'a'), false)
  })

  it('turns a room change into joined and left for others and for the peer itself', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { rooms: ['r1'] }))
    registry.upsert(entry('b', { rooms: ['r1'] }))
    registry.upsert(entry('c', { rooms: ['r2'] }))
    const { notices } = registry.update('b', { rooms: ['r2'] })
    assert.deepEqual(summary(notices), ['a:peer-left:b', 'b:peer-joined:c', 'b:peer-left:a', 'c:peer-joined:b'])
  })

  it('sends peer-updated when a seen peer changes its name or addresses, and nothing when nothing changed', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { networkKey: 'n' }))
    registry.upsert(entry('b', { networkKey: 'n' }))
    assert.deepEqual(summary(registry.update('b', { name: 'B', multiaddrs: ['/ip4/1.2.3.4/tcp/1'] }).notices), ['a:peer-updated:b'])
    assert.equal(registry.visiblePeers('a')[0]?.name, 'B')
    assert.deepEqual(registry.update('b', { name: 'B' }).notices, [])
  })

  it('updates the rooms a viewer sees when a shared room is added', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { rooms: ['r1', 'r2'] }))
    registry.upsert(entry('b', { rooms: ['r1'] }))
    const { notices } = registry.update('b', { rooms: ['r1', 'r2'] })
    assert.deepEqual(summary(notices), ['a:peer-updated:b', 'b:peer-updated:a'])
    assert.deepEqual(registry.visiblePeers('a')[0]?.rooms, ['r1', 'r2'])
  })

  it('treats a second upsert of a PeerId as a replacement, not a leave and join', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { networkKey: 'n' }))
    registry.upsert(entry('b', { networkKey: 'n' }))
    assert.deepEqual(summary(registry.upsert(entry('b', { networkKey: 'n', name: 'new' })).notices), ['a:peer-updated:b'])
    assert.equal(registry.size, 2)
    assert.deepEqual(summary(registry.upsert(entry('b', { networkKey: 'elsewhere' })).notices), ['a:peer-left:b'])
  })

  it('tells everyone who saw a peer when it is removed', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { networkKey: 'n' }))
    registry.upsert(entry('b', { rooms: ['r'] }))
    registry.upsert(entry('c', { networkKey: 'n', rooms: ['r'] }))
    assert.deepEqual(summary(registry.remove('c')), ['a:peer-left:c', 'b:peer-left:c'])
    assert.equal(registry.has('c'), false)
    assert.deepEqual(registry.remove('c'), [])
  })

  it('refuses to put a peer in a full room, and reports it', () => {
    const registry = createPresenceRegistry({ maxPeersPerRoom: 2 })
    registry.upsert(entry('a', { rooms: ['r'] }))
    registry.upsert(entry('b', { rooms: ['r'] }))
    const result = registry.upsert(entry('c', { rooms: ['r', 'free'] }))
    assert.deepEqual(result.fullRooms, ['r'])
    assert.deepEqual(result.notices, [])
    assert.equal(registry.canSee('a', 'c'), false)
    // A member re-registering keeps its place.
    assert.deepEqual(registry.upsert(entry('a', { rooms: ['r'] })).fullRooms, [])
  })

  it('stops grouping a network once it is full, leaving rooms to work', () => {
    const registry = createPresenceRegistry({ maxPeersPerNetwork: 1 })
    registry.upsert(entry('a', { networkKey: 'n' }))
    registry.upsert(entry('b', { networkKey: 'n', rooms: ['r'] }))
    assert.equal(registry.canSee('b', 'a'), false)
    registry.upsert(entry('c', { networkKey: 'other', rooms: ['r'] }))
    assert.equal(registry.canSee('b', 'c'), true)
  })

  it('shows peers sharing a pair tag to each other via paired, and never shows the tag', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { pairTags: [tag(1), tag(2)] }))
    registry.upsert(entry('stranger', { pairTags: [tag(3)] }))
    const { notices } = registry.upsert(entry('b', { pairTags: [tag(2)] }))
    assert.deepEqual(summary(notices), ['a:peer-joined:b'])
    assert.deepEqual(registry.visiblePeers('b'), [{ peerId: 'a', name: 'a', multiaddrs: [], via: ['paired'], rooms: [] }])
    assert.deepEqual(registry.visiblePeers('stranger'), [])
    assert.ok(!JSON.stringify(notices).includes(tag(2)))
  })

  it('gives every reason when peers share a network, a room and a pair tag', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { networkKey: 'n', rooms: ['r'], pairTags: [tag(1)] }))
    registry.upsert(entry('b', { networkKey: 'n', rooms: ['r'], pairTags: [tag(1)] }))
    assert.deepEqual(registry.visiblePeers('a')[0]?.via, ['network', 'room', 'paired'])
  })

  it('turns a change of pair tags into joined and left, and keeps hidden paired peers hidden', () => {
    const registry = createPresenceRegistry()
    registry.upsert(entry('a', { pairTags: [tag(1)] }))
    registry.upsert(entry('b', { pairTags: [] }))
    assert.deepEqual(summary(registry.update('b', { pairTags: [tag(1)] }).notices), ['a:peer-joined:b', 'b:peer-joined:a'])
    assert.deepEqual(summary(registry.update('b', { name: 'B' }).notices), ['a:peer-updated:b'], 'tags stay when an update leaves them out')
    assert.deepEqual(summary(registry.update('b', { pairTags: [] }).notices), ['a:peer-left:b', 'b:peer-left:a'])
    registry.upsert(entry('h', { pairTags: [tag(1)], hidden: true }))
    assert.equal(registry.canSee('a', 'h'), false)
    assert.equal(registry.canSee('h', 'a'), true)
  })

  it('drops pair tags silently when a tag group or the tag table is full', () => {
    const registry = createPresenceRegistry({ maxPeersPerPairTag: 2, maxPairTags: 2 })
    registry.upsert(entry('a', { pairTags: [tag(1)] }))
    registry.upsert(entry('b', { pairTags: [tag(1), tag(2)] }))
    const crowded = registry.upsert(entry('c', { pairTags: [tag(1)] }))
    assert.deepEqual(crowded, { notices: [], fullRooms: [], throttledRooms: [] })
    assert.equal(registry.canSee('c', 'a'), false)
    registry.upsert(entry('d', { pairTags: [tag(3)] }))
    registry.upsert(entry('e', { pairTags: [tag(3)] }))
    assert.equal(registry.canSee('d', 'e'), false, 'a third tag does not fit the table')
    registry.remove('b')
    registry.upsert(entry('e', { pairTags: [tag(2)] }))
    assert.deepEqual(registry.visiblePeers('e'), [], 'a freed slot is reused')
    registry.upsert(entry('f', { pairTags: [tag(2)] }))
    assert.equal(registry.canSee('e', 'f'), true)
  })

  it('refuses a new room once the server holds maxRooms, and joins existing ones', () => {
    const registry = createPresenceRegistry({ maxRooms: 1 })
    registry.upsert(entry('a', { rooms: ['r'] }))
    const result = registry.upsert(entry('b', { rooms: ['new', 'r'] }))
    assert.deepEqual(result.fullRooms, ['new'])
    assert.equal(registry.canSee('a', 'b'), true)
  })

  it('asks mayJoinRoom only for rooms the peer is not in yet, and reports the refused ones', () => {
    const registry = createPresenceRegistry()
    let budget = 2
    const mayJoinRoom = (): boolean => budget-- > 0
    const first = registry.upsert(entry('a', { rooms: ['r1', 'r2', 'r3'] }), mayJoinRoom)
    assert.deepEqual(first.throttledRooms, ['r3'])
    budget = 0
    const second = registry.update('a', { rooms: ['r1', 'r2', 'r4'] }, mayJoinRoom)
    assert.deepEqual(second.throttledRooms, ['r4'])
    registry.upsert(entry('b', { rooms: ['r2'] }))
    assert.deepEqual(registry.visiblePeers('b')[0]?.rooms, ['r2'])
  })
})

/** A well-formed pair tag (43 base64url characters) numbered `n`. */
function tag (n: number): string {
  return Buffer.alloc(32, n).toString('base64url')
}
