import { test } from 'node:test'
import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { isDialableFrom, lanFirstAddressSorter } from './lan-first-address-sorter.ts'

const RELAYED = '/ip4/203.0.113.10/tcp/8788/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq/p2p-circuit'

test('dials LAN addresses first, the relay last', () => {
  const addrs = [RELAYED, '/ip4/127.0.0.1/tcp/4001', '/ip4/198.51.100.7/tcp/4001', '/ip4/192.168.1.20/tcp/4001']
    .map(addr => ({ multiaddr: multiaddr(addr), isCertified: false }))
  assert.deepEqual(addrs.sort(lanFirstAddressSorter).map(addr => addr.multiaddr.toString()), [
    '/ip4/192.168.1.20/tcp/4001', '/ip4/198.51.100.7/tcp/4001', '/ip4/127.0.0.1/tcp/4001', RELAYED
  ])
})

test('a peer on another network is not dialled at its LAN addresses', () => {
  assert.equal(isDialableFrom('/ip4/10.0.2.10/tcp/4001', false), false)
  assert.equal(isDialableFrom('/ip4/10.0.2.10/tcp/4001', true), true)
  assert.equal(isDialableFrom('/ip4/192.0.2.10/tcp/4001', false), true)
  assert.equal(isDialableFrom(RELAYED, false), true)
  // Loopback: a test server on this machine puts every peer "on another network" only by room.
  assert.equal(isDialableFrom('/ip4/127.0.0.1/tcp/4001', false), true)
})
