import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { MAX_PAIR_TAGS_PER_CLIENT } from '@p2pft/protocol'
import { pino } from 'pino'
import { connectSignalClient, registeredClient, signalWsUrl, type SignalTestClient } from '../test/signal-test-client.ts'
import { observedAddressOf } from './presence/index.ts'
import { createSignalServer, type SignalServer, type SignalServerOptions } from './signal-server.ts'

const log = pino({ level: 'silent' })

/** Tests put clients on different "networks" with `?ip=`; without it the real address is used. */
function observeAddress (request: IncomingMessage): { ip: string, port: number } {
  const ip = new URL(request.url ?? '/', 'http://localhost').searchParams.get('ip')
  const real = observedAddressOf(request.socket)
  return ip == null ? real : { ip, port: real.port }
}

function pairTag (): string {
  return randomBytes(32).toString('base64url')
}

/** Opens a raw WebSocket and tells whether the server greeted it (`hello`) or turned it away (error, then a close code). */
async function tryConnect (httpUrl: string, query: string): Promise<{ accepted: boolean, first: string, code?: number, ws: WebSocket }> {
  const ws = new WebSocket(signalWsUrl(httpUrl, query))
  const closed = once(ws, 'close') as Promise<[CloseEvent]>
  const [message] = await once(ws, 'message') as [MessageEvent]
  const first = String(message.data)
  if (first.includes('"type":"hello"')) return { accepted: true, first, ws }
  const [event] = await closed
  return { accepted: false, first, code: event.code, ws }
}

describe('signal server limits and paired visibility', () => {
  const servers: SignalServer[] = []
  const clients: SignalTestClient[] = []

  async function server (options: SignalServerOptions = {}): Promise<SignalServer> {
    const s = await createSignalServer({ log }, { host: '127.0.0.1', port: 0, relay: false, observeAddress, ...options })
    servers.push(s)
    return s
  }

  async function client (s: SignalServer, details: Parameters<typeof registeredClient>[1] = {}): Promise<Awaited<ReturnType<typeof registeredClient>>> {
    const c = await registeredClient(s.url, details)
    clients.push(c)
    return c
  }

  after(async () => {
    for (const c of clients) c.close()
    await Promise.all(servers.map(async s => { await s.close() }))
  })

  describe('paired visibility', () => {
    let s: SignalServer
    before(async () => { s = await server() })

    it('shows peers on different networks that share a pair tag to each other via paired, never sending the tag back', async () => {
      const shared = pairTag()
      const a = await client(s, { query: '?ip=198.51.100.10', pairTags: [pairTag(), shared] })
      const b = await client(s, { query: '?ip=203.0.113.20', pairTags: [shared] })
      const stranger = await client(s, { query: '?ip=192.0.2.30', pairTags: [pairTag()] })
      assert.deepEqual(b.peers.map(p => [p.peerId, p.via, p.rooms]), [[a.peerId, ['paired'], []]])
      assert.deepEqual((await a.next('peer-joined')).peer.via, ['paired'])
      assert.deepEqual(stranger.peers, [])
      assert.ok(await stranger.quietFor('peer-joined', 200))
      for (const c of [a, b, stranger]) assert.ok(!JSON.stringify(c.received).includes(shared), 'no tag is ever sent back')
    })

    it('starts and ends paired visibility when update changes the tags', async () => {
      const shared = pairTag()
      const a = await client(s, { query: '?ip=198.51.100.11', pairTags: [shared] })
      const b = await client(s, { query: '?ip=203.0.113.21' })
      b.send({ type: 'update', pairTags: [shared] })
      assert.equal((await a.next('peer-joined')).peer.peerId, b.peerId)
      assert.equal((await b.next('peer-joined')).peer.peerId, a.peerId)
      b.send({ type: 'update', pairTags: [] })
      assert.equal((await a.next('peer-left')).peerId, b.peerId)
      assert.equal((await b.next('peer-left')).peerId, a.peerId)
    })

    it('keeps a hidden paired peer hidden, though it sees its pair', async () => {
      const shared = pairTag()
      const visible = await client(s, { query: '?ip=198.51.100.12', pairTags: [shared] })
      const hidden = await client(s, { query: '?ip=203.0.113.22', pairTags: [shared], hidden: true })
      assert.deepEqual(hidden.peers.map(p => p.peerId), [visible.peerId])
      assert.ok(await visible.quietFor('peer-joined', 200))
    })

    it('answers a tag or room nobody else holds exactly like one that others hold', async () => {
      const shared = pairTag()
      await client(s, { query: '?ip=198.51.100.13', pairTags: [shared], rooms: ['existing-room'] })
      const probeExisting = await client(s, { query: '?ip=203.0.113.23', hidden: true, pairTags: [shared], rooms: ['existing-room'] })
      const probeMissing = await client(s, { query: '?ip=203.0.113.24', hidden: true, pairTags: [pairTag()], rooms: ['missing-room'] })
      // Give any error or extra message time to arrive before comparing.
      await probeExisting.quietFor('error', 200)
      // Heartbeat pongs come and go with timing; everything else must match.
      const shapes = (c: SignalTestClient): string[] => c.received.map(m => m.type).filter(type => type !== 'pong')
      assert.deepEqual(shapes(probeExisting), ['hello', 'registered', 'peers'])
      assert.deepEqual(shapes(probeMissing), shapes(probeExisting))
    })

    it('refuses more than MAX_PAIR_TAGS_PER_CLIENT tags or a malformed tag as an invalid message', async () => {
      const c = await client(s, { query: '?ip=198.51.100.14' })
      c.send({ type: 'update', pairTags: Array.from({ length: MAX_PAIR_TAGS_PER_CLIENT + 1 }, pairTag) })
      assert.equal((await c.next('error')).code, 'SIGNAL_INVALID_MESSAGE')
      c.send({ type: 'update', pairTags: ['short'] })
      assert.equal((await c.next('error')).code, 'SIGNAL_INVALID_MESSAGE')
      c.send({ type: 'update', pairTags: Array.from({ length: MAX_PAIR_TAGS_PER_CLIENT }, pairTag) })
      assert.ok(await c.quietFor('error', 200), 'the full allowance is accepted')
    })
  })

  describe('authentication', () => {
    let s: SignalServer
    before(async () => { s = await server() })

    it('refuses forged presence (a PeerId signed by another key) and leaves the real peer in place', async () => {
      const victim = await client(s, { query: '?ip=198.51.100.40', name: 'real' })
      const watcher = await client(s, { query: '?ip=198.51.100.40' })
      await victim.next('peer-joined')
      const forger = await connectSignalClient(s.url, { query: '?ip=198.51.100.40', privateKey: await generateKeyPair('Ed25519') })
      clients.push(forger)
      forger.send({ ...forger.registerMessage({ name: 'fake' }), peerId: victim.peerId })
      assert.equal((await forger.next('error')).code, 'SIGNAL_AUTH_FAILED')
      assert.equal((await forger.closed).code, 4001)
      victim.send({ type: 'ping' })
      await victim.next('pong')
      assert.ok(await watcher.quietFor('peer-updated', 200), 'the real peer was neither replaced nor renamed')
      assert.ok(!watcher.received.some(m => m.type === 'peer-left'))
    })

    it('refuses a register message replayed on another connection (its nonce is spent)', async () => {
      const original = await connectSignalClient(s.url, { query: '?ip=198.51.100.41' })
      clients.push(original)
      const captured = original.registerMessage()
      original.send(captured)
      await original.next('registered')
      original.close()
      const replayer = await connectSignalClient(s.url, { query: '?ip=198.51.100.41' })
      clients.push(replayer)
      replayer.send(captured)
      assert.equal((await replayer.next('error')).code, 'SIGNAL_AUTH_FAILED')
      assert.equal((await replayer.closed).code, 4001)
    })
  })

  it('turns away connections beyond maxSessionsPerIp with 1013, while other addresses connect', async () => {
    const s = await server({ maxSessionsPerIp: 2 })
    const first = await connectSignalClient(s.url, { query: '?ip=198.51.100.50' })
    const second = await connectSignalClient(s.url, { query: '?ip=198.51.100.50' })
    clients.push(first, second)
    const refused = await tryConnect(s.url, '?ip=198.51.100.50')
    assert.equal(refused.accepted, false)
    assert.equal(refused.code, 1013)
    assert.match(refused.first, /"code":"SIGNAL_RATE_LIMITED".*"fatal":true/)
    clients.push(await connectSignalClient(s.url, { query: '?ip=203.0.113.50' }))
    first.close()
    await first.closed
    // The server may see the close a moment after the client does; then the slot is free again.
    let again = await tryConnect(s.url, '?ip=198.51.100.50')
    for (let attempt = 0; !again.accepted && attempt < 20; attempt++) {
      await new Promise(resolve => setTimeout(resolve, 50))
      again = await tryConnect(s.url, '?ip=198.51.100.50')
    }
    again.ws.close()
    assert.ok(again.accepted, 'a freed slot is reused')
  })

  it('turns away an address that connects faster than ipConnectsPerSecond allows', async () => {
    const s = await server({ ipConnectsPerSecond: 1, ipConnectBurst: 3 })
    const outcomes: Array<boolean | number | undefined> = []
    for (let i = 0; i < 5; i++) {
      const attempt = await tryConnect(s.url, '?ip=198.51.100.60')
      attempt.ws.close()
      outcomes.push(attempt.accepted || attempt.code)
    }
    // Closed sessions still cost their connect: the limit is on how often, not how many.
    assert.deepEqual(outcomes, [true, true, true, 1013, 1013])
    const elsewhere = await tryConnect(s.url, '?ip=203.0.113.60')
    elsewhere.ws.close()
    assert.equal(elsewhere.accepted, true, 'another address is not affected')
  })

  it('refuses rooms joined faster than the room-join rate with SIGNAL_RATE_LIMITED', async () => {
    const s = await server({ roomJoinBurst: 2, roomJoinsPerSecond: 0.001 })
    const c = await client(s, { query: '?ip=198.51.100.70', rooms: ['r1', 'r2', 'r3'] })
    const error = await c.next('error')
    assert.equal(error.code, 'SIGNAL_RATE_LIMITED')
    assert.match(error.message, /too fast.*r3/)
    const other = await client(s, { query: '?ip=203.0.113.70', rooms: ['r3', 'r1'] })
    assert.deepEqual(other.peers.map(p => p.rooms), [['r1']], 'c is in r1 but not in r3')
    // Leaving a room and coming back costs a join too.
    c.send({ type: 'update', rooms: ['r2'] })
    await other.next('peer-left')
    c.send({ type: 'update', rooms: ['r1'] })
    assert.match((await c.next('error')).message, /too fast.*r1/)
  })
})
