import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { pino } from 'pino'
import type { PresencePeer } from '@p2pft/protocol'
import type { P2PNode } from '../p2p/create-p2p-node.ts'
import type { SignalClient } from '../signal/signal-client.ts'
import { createPeerDirectory, type DirectoryPeer } from './peer-directory.ts'

const BOB = '12D3KooWGzTk5JzfvLbcmEE2cBfj1oyWNbJVtbumYrKXWkuSd8ro'

/** Only what the directory reads of a signal client: its peer list and `peers` events. */
function presenceSource (): EventEmitter & { peers: Map<string, PresencePeer> } {
  return Object.assign(new EventEmitter(), { peers: new Map<string, PresencePeer>() })
}

test('a peer renamed or found another way while online is reported as updated, not as a new peer', () => {
  const signal = presenceSource()
  // No mDNS service: presence is the only source in this test.
  const node = { peerId: { toString: () => 'self' }, services: {} } as unknown as P2PNode
  const directory = createPeerDirectory({ node, signal: signal as unknown as SignalClient, log: pino({ level: 'silent' }) })
  const seen: Array<[string, DirectoryPeer]> = []
  for (const event of ['online', 'offline', 'updated'] as const) directory.on(event, peer => { seen.push([event, peer]) })
  const bob: PresencePeer = { peerId: BOB, name: 'Bob', multiaddrs: [], via: ['network'], rooms: [] }

  signal.emit('peers', [bob])
  signal.emit('peers', [{ ...bob, name: 'Bob laptop' }])
  signal.emit('peers', [{ ...bob, name: 'Bob laptop', via: ['network', 'paired'] }])
  signal.emit('peers', [{ ...bob, name: 'Bob laptop', via: ['network', 'paired'] }])
  signal.emit('peers', [])

  assert.deepEqual(seen.map(([event, peer]) => [event, peer.name, peer.via.join('+')]), [
    ['online', 'Bob', 'network'],
    ['updated', 'Bob laptop', 'network'],
    ['updated', 'Bob laptop', 'network+paired'],
    ['offline', 'Bob laptop', 'network+paired']
  ])
  directory.close()
})

test('waitFor finds a peer by the name it was renamed to', async () => {
  const signal = presenceSource()
  const node = { peerId: { toString: () => 'self' }, services: {} } as unknown as P2PNode
  const directory = createPeerDirectory({ node, signal: signal as unknown as SignalClient, log: pino({ level: 'silent' }) })
  signal.emit('peers', [{ peerId: BOB, name: 'Bob', multiaddrs: [], via: ['network'], rooms: [] }])
  const found = directory.waitFor('Robert', 5_000)
  signal.emit('peers', [{ peerId: BOB, name: 'Robert', multiaddrs: [], via: ['network'], rooms: [] }])
  assert.equal((await found).peerId, BOB)
  directory.close()
})
