import assert from 'node:assert/strict'
import { it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { createRelayGater } from './relay-gater.ts'

async function newPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

function tcpAddr (ip: string): Multiaddr {
  return multiaddr(`/${ip.includes(':') ? 'ip6' : 'ip4'}/${ip}/tcp/4001`)
}

it('refuses a reservation once the address holds maxReservationsPerIp, but lets others and refreshes through', async () => {
  const [a, b, c, d] = await Promise.all([newPeerId(), newPeerId(), newPeerId(), newPeerId()])
  const connections = [
    { remotePeer: a, remoteAddr: tcpAddr('198.51.100.7') },
    { remotePeer: b, remoteAddr: tcpAddr('198.51.100.7') },
    { remotePeer: c, remoteAddr: tcpAddr('198.51.100.7') },
    { remotePeer: d, remoteAddr: tcpAddr('203.0.113.9') }
  ]
  const reservations: Array<[PeerId, { addr: Multiaddr }]> = [[a, { addr: tcpAddr('198.51.100.7') }], [b, { addr: tcpAddr('198.51.100.7') }]]
  const gater = createRelayGater({ connections: () => connections, reservations: () => reservations }, { maxReservationsPerIp: 2, maxConnectionsPerIp: 100 })
  assert.equal(await gater.denyInboundRelayReservation?.(c), true)
  assert.equal(await gater.denyInboundRelayReservation?.(a), false, 'a refresh of a held reservation')
  assert.equal(await gater.denyInboundRelayReservation?.(d), false)
  assert.equal(await gater.denyInboundRelayReservation?.(await newPeerId()), true, 'a peer without a connection is refused')
})

it('counts a whole IPv6 /64 as one address for reservations', async () => {
  const [a, b] = await Promise.all([newPeerId(), newPeerId()])
  const gater = createRelayGater({
    connections: () => [{ remotePeer: b, remoteAddr: tcpAddr('2001:db8:5:6::b') }],
    reservations: () => [[a, { addr: tcpAddr('2001:db8:5:6::a') }]]
  }, { maxReservationsPerIp: 1, maxConnectionsPerIp: 100 })
  assert.equal(await gater.denyInboundRelayReservation?.(b), true)
})

it('refuses a new connection once the address holds maxConnectionsPerIp', async () => {
  const [a, b] = await Promise.all([newPeerId(), newPeerId()])
  const gater = createRelayGater({
    connections: () => [{ remotePeer: a, remoteAddr: tcpAddr('192.0.2.1') }, { remotePeer: b, remoteAddr: tcpAddr('192.0.2.1') }],
    reservations: () => []
  }, { maxReservationsPerIp: 1, maxConnectionsPerIp: 2 })
  const inbound = (ip: string): Parameters<NonNullable<typeof gater.denyInboundConnection>>[0] =>
    ({ remoteAddr: tcpAddr(ip) }) as unknown as Parameters<NonNullable<typeof gater.denyInboundConnection>>[0]
  assert.equal(await gater.denyInboundConnection?.(inbound('192.0.2.1')), true)
  assert.equal(await gater.denyInboundConnection?.(inbound('192.0.2.2')), false)
})
