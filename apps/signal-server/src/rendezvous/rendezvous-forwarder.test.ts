import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isAppError } from '@p2pft/protocol'
import { createRendezvousForwarder } from './rendezvous-forwarder.ts'

/** a sees b; b does not see a (a is hidden); c is registered but sees nobody. */
const visibility = {
  isRegistered: (peerId: string) => ['a', 'b', 'c'].includes(peerId),
  canSee: (viewer: string, target: string) => viewer === 'a' && target === 'b'
}

it('routes a payload to a peer the sender sees', () => {
  const forwarder = createRendezvousForwarder({ visibility })
  assert.deepEqual(forwarder.route('a', { to: 'b', payload: { x: 1 } }), { to: 'b', message: { type: 'signal', from: 'a', payload: { x: 1 } } })
})

it('refuses unknown, unseen and self recipients alike with SIGNAL_PEER_NOT_FOUND', () => {
  const forwarder = createRendezvousForwarder({ visibility })
  for (const [from, to] of [['a', 'zz'], ['c', 'a'], ['a', 'a']] as const) {
    assert.throws(() => forwarder.route(from, { to, payload: {} }), (err: unknown) => isAppError(err, 'SIGNAL_PEER_NOT_FOUND'))
  }
})

it('lets a recipient answer a sender it cannot see, until the sender is forgotten', () => {
  const forwarder = createRendezvousForwarder({ visibility })
  assert.throws(() => forwarder.route('b', { to: 'a', payload: {} }))
  forwarder.route('a', { to: 'b', payload: {} })
  assert.equal(forwarder.route('b', { to: 'a', payload: { reply: true } }).to, 'a')
  forwarder.forget('b')
  assert.throws(() => forwarder.route('b', { to: 'a', payload: {} }))
})

it('forgets the oldest contacts beyond its limit', () => {
  const forwarder = createRendezvousForwarder({
    visibility: { isRegistered: () => true, canSee: (viewer) => viewer !== 'r' }
  }, { maxContactsPerPeer: 2 })
  for (const sender of ['s1', 's2', 's3']) forwarder.route(sender, { to: 'r', payload: {} })
  assert.throws(() => forwarder.route('r', { to: 's1', payload: {} }))
  assert.equal(forwarder.route('r', { to: 's3', payload: {} }).to, 's3')
})

it('refuses payloads over the size limit with SIGNAL_MESSAGE_TOO_LARGE', () => {
  const forwarder = createRendezvousForwarder({ visibility }, { maxPayloadBytes: 20 })
  assert.throws(() => forwarder.route('a', { to: 'b', payload: { blob: 'x'.repeat(20) } }), (err: unknown) => isAppError(err, 'SIGNAL_MESSAGE_TOO_LARGE'))
  assert.equal(forwarder.route('a', { to: 'b', payload: { s: 'ok' } }).to, 'b')
})
