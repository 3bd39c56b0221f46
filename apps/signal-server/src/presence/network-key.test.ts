import assert from 'node:assert/strict'
import { it } from 'node:test'
import { networkKeyOf } from './network-key.ts'

it('keys IPv4 addresses by the whole address', () => {
  assert.equal(networkKeyOf('203.0.113.7'), '203.0.113.7')
  assert.notEqual(networkKeyOf('203.0.113.7'), networkKeyOf('203.0.113.8'))
})

it('keys IPv6 addresses by their /64, however they are written', () => {
  assert.equal(networkKeyOf('2001:db8:0:1::5'), '2001:db8:0:1::/64')
  assert.equal(networkKeyOf('2001:0DB8:0000:0001:abcd::9'), '2001:db8:0:1::/64')
  assert.equal(networkKeyOf('fe80::1%eth0'), 'fe80:0:0:0::/64')
  assert.notEqual(networkKeyOf('2001:db8:0:1::5'), networkKeyOf('2001:db8:0:2::5'))
})

it('keys anything unparsable as itself', () => {
  assert.equal(networkKeyOf('not an ip'), 'not an ip')
})
