import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { PresencePeer } from '@p2pft/protocol'
import { toPeerListMessages } from './peer-list-messages.ts'

function peer (i: number): PresencePeer {
  return { peerId: `peer-${i}`, name: `name-${i}`, multiaddrs: [`/ip4/10.0.0.${i}/tcp/4001`], via: ['network'], rooms: [] }
}

it('sends a short list as one peers message', () => {
  const peers = [peer(1), peer(2)]
  assert.deepEqual(toPeerListMessages(peers), [{ type: 'peers', peers }])
})

it('sends what does not fit the size limit as peer-joined messages, each message within the limit', () => {
  const peers = Array.from({ length: 50 }, (_, i) => peer(i))
  const maxBytes = 1_000
  const messages = toPeerListMessages(peers, maxBytes)
  assert.equal(messages[0]?.type, 'peers')
  assert.ok(messages.length > 1)
  for (const message of messages) assert.ok(Buffer.byteLength(JSON.stringify(message)) <= maxBytes)
  const all = messages.flatMap(m => m.type === 'peers' ? m.peers : [m.peer])
  assert.deepEqual(all, peers)
})
