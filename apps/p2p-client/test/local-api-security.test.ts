import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { createDaemonClient } from '@p2pft/daemon-client'
import type { DaemonEvent } from '@p2pft/protocol'
import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN, spawnJsonProcess, type JsonProcess } from './support/json-process.ts'
import { makeTempDir } from './support/test-files.ts'

interface RawAnswer { status: number, body: string }

/** An HTTP request with any headers, Host included (fetch may not set Host). */
async function raw (port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<RawAnswer> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (data: string) => { text += data }).on('end', () => { resolve({ status: res.statusCode ?? 0, body: text }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The status a WebSocket handshake gets: 101 when the server upgrades, else its HTTP status. */
async function wsHandshakeStatus (port: number, path: string, headers: Record<string, string>): Promise<number> {
  return await new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), ...headers }
    })
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0) })
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0) })
    req.on('error', reject)
    req.end()
  })
}

describe('the local API refuses anyone but the app', () => {
  let work: { path: string, cleanup: () => Promise<void> }
  let daemon: JsonProcess
  let port: number
  let token: string
  let host: string

  before(async () => {
    work = await makeTempDir('api')
    daemon = spawnJsonProcess(P2P_CLIENT_BIN, {
      args: ['daemon', '--no-gui', '--json', '--name', 'Vault', '--data-dir', join(work.path, 'data'), '--download-dir', join(work.path, 'downloads')],
      env: LOOPBACK_CLIENT_ENV
    })
    const gui = await daemon.waitFor(e => e.event === 'gui')
    const url = new URL(String(gui.url))
    port = Number(url.port)
    host = `127.0.0.1:${port}`
    token = new URLSearchParams(url.hash.slice(1)).get('token') ?? ''
  })

  after(async () => {
    await daemon?.stop()
    await work?.cleanup()
  })

  test('with the token, the typed client reads the state and the event stream', async () => {
    const client = createDaemonClient({ baseUrl: `http://${host}`, token })
    const state = await client.state()
    assert.equal(state.self.name, 'Vault')
    const first = await new Promise<DaemonEvent>((resolve) => {
      const subscription = client.events({ onMessage: (message) => { subscription.close(); resolve(message) } })
    })
    assert.equal(first.event, 'state')
  })

  test('no token or a wrong token gets 401', async () => {
    const attempts: Array<Record<string, string>> = [{ host }, { host, authorization: 'Bearer wrong' }, { host, authorization: `Bearer ${token}x` }]
    for (const headers of attempts) {
      const answer = await raw(port, '/v1/state', headers)
      assert.equal(answer.status, 401)
      assert.equal(JSON.parse(answer.body).error.code, 'API_UNAUTHORIZED')
    }
    assert.equal((await raw(port, '/v1/state?token=wrong', { host })).status, 401)
    assert.equal((await raw(port, `/v1/state?token=${token}`, { host })).status, 200)
  })

  test('a foreign Origin or Host gets 403, even with the token', async () => {
    const auth = { authorization: `Bearer ${token}` }
    for (const headers of [
      { ...auth, host, origin: 'http://evil.example' },
      { ...auth, host, origin: `http://127.0.0.1:${port + 1}` },
      { ...auth, host: `evil.example:${port}` },
      { ...auth, host: `rebound.example.com:${port}`, origin: `http://rebound.example.com:${port}` }
    ]) {
      const answer = await raw(port, '/v1/state', headers)
      assert.equal(answer.status, 403, JSON.stringify(headers))
      assert.equal(JSON.parse(answer.body).error.code, 'API_FORBIDDEN')
    }
    assert.equal((await raw(port, '/', { host: `evil.example:${port}` })).status, 403, 'the page too')
    assert.equal((await raw(port, '/', { host })).status, 200)
  })

  test('the WebSocket needs the token and the app\'s origin', async () => {
    assert.equal(await wsHandshakeStatus(port, '/v1/events', { host }), 401)
    assert.equal(await wsHandshakeStatus(port, '/v1/events?token=wrong', { host }), 401)
    assert.equal(await wsHandshakeStatus(port, `/v1/events?token=${token}`, { host, origin: 'http://evil.example' }), 403)
    assert.equal(await wsHandshakeStatus(port, `/v1/events?token=${token}`, { host: `evil.example:${port}` }), 403)
    assert.equal(await wsHandshakeStatus(port, `/v1/events?token=${token}`, { host, origin: `http://${host}` }), 101)
  })

  test('refused requests change nothing', async () => {
    const body = JSON.stringify({ name: 'Mallory', autoAccept: 'all' })
    const json = { 'content-type': 'application/json' }
    assert.equal((await raw(port, '/v1/settings', { ...json, host }, 'PUT', body)).status, 401)
    assert.equal((await raw(port, '/v1/settings', { ...json, host, origin: 'http://evil.example', authorization: `Bearer ${token}` }, 'PUT', body)).status, 403)
    assert.equal((await raw(port, '/v1/history', { host }, 'DELETE')).status, 401)
    const state = await createDaemonClient({ baseUrl: `http://${host}`, token }).state()
    assert.equal(state.settings.name, 'Vault')
    assert.equal(state.settings.autoAccept, 'ask')
    assert.equal(existsSync(join(work.path, 'data', 'settings.json')), false)
  })

  test('listens on 127.0.0.1 only', async () => {
    const external = Object.values(networkInterfaces()).flat().find(info => info !== undefined && info.family === 'IPv4' && !info.internal)
    if (external === undefined) return
    // Refused, or (behind a firewall that drops) never answered: either way not served.
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const req = request({ host: external.address, port, path: '/', timeout: 3_000 }, () => { resolve(Object.assign(new Error('answered'), { code: 'ANSWERED' })) })
      req.on('timeout', () => { req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })) })
      req.on('error', resolve)
      req.end()
    })
    assert.ok(['ECONNREFUSED', 'ETIMEDOUT'].includes(error.code ?? ''), error.code)
  })

  test('still stops promptly on SIGTERM after refused WebSocket upgrades (their sockets are closed)', async () => {
    const startedMs = Date.now()
    assert.equal(await daemon.stop(), 130)
    assert.ok(Date.now() - startedMs < 5_000, `stopped in ${Date.now() - startedMs} ms`)
  })
})
