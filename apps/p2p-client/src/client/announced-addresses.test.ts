import { test } from 'node:test'
import assert from 'node:assert/strict'
import { multiaddr } from '@multiformats/multiaddr'
import { isLoopbackHost, selectAnnouncedAddresses } from './announced-addresses.ts'

const addrs = [
  '/ip4/127.0.0.1/tcp/4001', '/ip4/192.168.1.20/tcp/4001', '/ip4/169.254.3.4/tcp/4001',
  '/ip6/::1/tcp/4001', '/ip6/fe80::1/tcp/4001', '/ip6/2001:db8::5/tcp/4001'
].map(addr => multiaddr(addr))

test('never announces link-local addresses, and loopback only to a loopback server', () => {
  assert.deepEqual(selectAnnouncedAddresses(addrs, false), ['/ip4/192.168.1.20/tcp/4001', '/ip6/2001:db8::5/tcp/4001'])
  assert.deepEqual(selectAnnouncedAddresses(addrs, true), [
    '/ip4/127.0.0.1/tcp/4001', '/ip4/192.168.1.20/tcp/4001', '/ip6/::1/tcp/4001', '/ip6/2001:db8::5/tcp/4001'
  ])
})

test('recognises loopback hosts', () => {
  assert.ok(isLoopbackHost('localhost'))
  assert.ok(isLoopbackHost('127.0.0.1'))
  assert.ok(isLoopbackHost('[::1]'))
  assert.ok(!isLoopbackHost('192.0.2.1'))
  assert.ok(!isLoopbackHost('example.org'))
})
