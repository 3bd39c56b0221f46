import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Connection } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { describeConnection, type RouteHints } from './describe-connection.ts'

const PEER = '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq'

function fakeConnection (addr: string, direction: 'inbound' | 'outbound' = 'outbound'): Connection {
  // Only the fields describeConnection reads.
  return { remoteAddr: multiaddr(addr), direction } as unknown as Connection
}

const noHints: RouteHints = { isPunched: () => false, hasUpnpMapping: () => false }

test('a circuit address is relayed and has no route', () => {
  const description = describeConnection(fakeConnection(`/ip4/203.0.113.10/tcp/8788/p2p/${PEER}/p2p-circuit/p2p/${PEER}`), noHints)
  assert.deepEqual({ type: description.type, transport: description.transport, route: description.route }, { type: 'relayed', transport: 'tcp/circuit-relay', route: undefined })
})

test('a punched connection is direct via hole-punch, whatever its address', () => {
  const punched = fakeConnection('/ip4/192.0.2.10/tcp/40000')
  assert.equal(describeConnection(punched, { ...noHints, isPunched: c => c === punched }).route, 'hole-punch')
})

test('private and link-local addresses are the LAN, others public', () => {
  assert.equal(describeConnection(fakeConnection('/ip4/10.0.1.11/tcp/4001'), noHints).route, 'lan')
  assert.equal(describeConnection(fakeConnection('/ip4/192.168.1.5/tcp/4001'), noHints).route, 'lan')
  assert.equal(describeConnection(fakeConnection('/ip6/fe80::1/tcp/4001'), noHints).route, 'lan')
  assert.equal(describeConnection(fakeConnection('/ip4/198.51.100.10/tcp/4001'), noHints).route, 'public')
})

test('an inbound connection from the internet comes through our UPnP mapping when we hold one', () => {
  const hints = { ...noHints, hasUpnpMapping: () => true }
  assert.equal(describeConnection(fakeConnection('/ip4/198.51.100.10/tcp/4001', 'inbound'), hints).route, 'upnp')
  assert.equal(describeConnection(fakeConnection('/ip4/198.51.100.10/tcp/4001', 'outbound'), hints).route, 'public')
})
