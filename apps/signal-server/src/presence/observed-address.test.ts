import assert from 'node:assert/strict'
import { it } from 'node:test'
import { observedAddressOf } from './observed-address.ts'

it('strips the IPv4-mapped prefix and keeps the port', () => {
  assert.deepEqual(observedAddressOf({ remoteAddress: '::ffff:198.51.100.4', remotePort: 5000 }), { ip: '198.51.100.4', port: 5000 })
  assert.deepEqual(observedAddressOf({ remoteAddress: '2001:db8::1', remotePort: 6000 }), { ip: '2001:db8::1', port: 6000 })
})
