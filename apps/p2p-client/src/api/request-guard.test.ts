import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkLocalRequest, tokenOf } from './request-guard.ts'

const PORT = 4321
const TOKEN = 'secret-token'
const ok = { host: `127.0.0.1:${PORT}`, origin: undefined, token: TOKEN }

test('lets a request with the right host, origin and token through', () => {
  assert.equal(checkLocalRequest(ok, PORT, TOKEN, true), undefined)
  assert.equal(checkLocalRequest({ ...ok, host: `localhost:${PORT}`, origin: `http://localhost:${PORT}` }, PORT, TOKEN, true), undefined)
})

test('rejects a missing or wrong token with 401', () => {
  assert.equal(checkLocalRequest({ ...ok, token: undefined }, PORT, TOKEN, true)?.status, 401)
  assert.equal(checkLocalRequest({ ...ok, token: 'secret-tokeX' }, PORT, TOKEN, true)?.code, 'API_UNAUTHORIZED')
  assert.equal(checkLocalRequest({ ...ok, token: 'short' }, PORT, TOKEN, true)?.status, 401)
})

test('rejects a foreign Host or Origin with 403, even with the token', () => {
  for (const host of ['evil.example:4321', `127.0.0.1:${PORT + 1}`, '127.0.0.1', undefined]) {
    assert.equal(checkLocalRequest({ ...ok, host }, PORT, TOKEN, true)?.status, 403, String(host))
  }
  for (const origin of ['http://evil.example', `https://127.0.0.1:${PORT}`, 'null', `http://127.0.0.1:${PORT + 1}`]) {
    assert.equal(checkLocalRequest({ ...ok, origin }, PORT, TOKEN, true)?.code, 'API_FORBIDDEN', origin)
  }
})

test('static files need the right host but no token', () => {
  assert.equal(checkLocalRequest({ ...ok, token: undefined }, PORT, TOKEN, false), undefined)
  assert.equal(checkLocalRequest({ ...ok, host: 'evil.example' }, PORT, TOKEN, false)?.status, 403)
})

test('reads the token from a Bearer header, else from the query', () => {
  assert.equal(tokenOf('Bearer abc', 'def'), 'abc')
  assert.equal(tokenOf(undefined, 'def'), 'def')
  assert.equal(tokenOf('Basic abc', undefined), undefined)
})
