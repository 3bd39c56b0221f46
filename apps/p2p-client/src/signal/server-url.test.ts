import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isAppError } from '@p2pft/protocol'
import { toSignalWebSocketUrl } from './server-url.ts'

test('maps http and https base URLs to the signal WebSocket endpoint', () => {
  assert.equal(toSignalWebSocketUrl('http://127.0.0.1:8787').toString(), 'ws://127.0.0.1:8787/v1/ws')
  assert.equal(toSignalWebSocketUrl('https://signal.example.org').toString(), 'wss://signal.example.org/v1/ws')
  assert.equal(toSignalWebSocketUrl('ws://host:1/').toString(), 'ws://host:1/v1/ws')
  assert.equal(toSignalWebSocketUrl('wss://host/custom/path').toString(), 'wss://host/custom/path')
})

test('rejects what is not a server URL with CLI_INVALID_ARGUMENTS', () => {
  for (const bad of ['localhost:8787', 'ftp://host', '']) {
    assert.throws(() => toSignalWebSocketUrl(bad), (err: unknown) => isAppError(err, 'CLI_INVALID_ARGUMENTS'), bad)
  }
})
