import { connect, type Socket } from 'node:net'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { LANE_RELAY_MAGIC, LANE_RELAY_ROLE_HOLDER, LANE_RELAY_ROLE_JOINER, MAX_RENDEZVOUS_PAYLOAD_BYTES, MAX_SIGNAL_MESSAGE_BYTES } from '@p2pft/protocol'
import { pino } from 'pino'
import { connectSignalClient, registeredClient, type SignalTestClient } from '../test/signal-test-client.ts'
import { observedAddressOf } from './presence/index.ts'
import { createSignalServer, type SignalServer } from './signal-server.ts'

const log = pino({ level: 'silent' })

/** Tests put clients on different "networks" with `?ip=`; without it the real address is used. */
function observeAddress (request: IncomingMessage): { ip: string, port: number } {
  const ip = new URL(request.url ?? '/', 'http://localhost').searchParams.get('ip')
  const real = observedAddressOf(request.socket)
  return ip == null ? real : { ip, port: real.port }
}

describe('signal server over WebSocket', () => {
  let server: SignalServer
  const clients: SignalTestClient[] = []

  async function client (details: Parameters<typeof registeredClient>[1] = {}): Promise<Awaited<ReturnType<typeof registeredClient>>> {
    const c = await registeredClient(server.url, details)
    clients.push(c)
    return c
  }

  async function unregistered (query?: string): Promise<SignalTestClient> {
    const c = await connectSignalClient(server.url, { query })
    clients.push(c)
    return c
  }

  before(async () => {
    server = await createSignalServer({ log }, {
      host: '127.0.0.1',
      port: 0,
      relay: false,
      // Test clients ping every 200 ms once registered, so only a client told to stop goes silent.
      heartbeatTimeoutMs: 800,
      heartbeatCheckIntervalMs: 100,
      registerTimeoutMs: 1_500,
      observeAddress
    })
  })

  after(async () => {
    for (const c of clients) c.close()
    await server.close()
  })

  it('greets with hello: protocol version, a fresh nonce and the observed address', async () => {
    const a = await unregistered()
    const b = await unregistered()
    assert.equal(a.hello.protocolVersion, 1)
    assert.ok(a.hello.nonce.length >= 16)
    assert.notEqual(a.hello.nonce, b.hello.nonce)
    assert.equal(a.hello.observedAddress.ip, '127.0.0.1')
    assert.ok(a.hello.observedAddress.port > 0)
    assert.equal(a.hello.relay, undefined, 'no relay runs in this server')
  })

  it('registers a peer with a valid signature and answers registered, then peers', async () => {
    const c = await unregistered('?ip=198.51.100.1')
    c.register({ name: 'Alice' })
    const registered = await c.next('registered')
    assert.equal(registered.peerId, c.peerId)
    const peers = await c.next('peers')
    assert.deepEqual(peers.peers, [])
    const order = c.received.map(m => m.type)
    assert.ok(order.indexOf('registered') < order.indexOf('peers'))
  })

  it('refuses a register signed with the wrong key and never shows that peer', async () => {
    const witness = await client({ query: '?ip=198.51.100.2' })
    const impostor = await unregistered('?ip=198.51.100.2')
    impostor.register({ signWith: await generateKeyPair('Ed25519') })
    const error = await impostor.next('error')
    assert.equal(error.code, 'SIGNAL_AUTH_FAILED')
    assert.equal(error.fatal, true)
    assert.equal((await impostor.closed).code, 4001)

    const later = await client({ query: '?ip=198.51.100.2' })
    assert.deepEqual(later.peers.map(p => p.peerId), [witness.peerId])
    await witness.next('peer-joined')
    assert.ok(!JSON.stringify(witness.received).includes(impostor.peerId))
  })

  it('refuses a signature over another nonce', async () => {
    const c = await unregistered('?ip=198.51.100.3')
    const other = await unregistered('?ip=198.51.100.3')
    // Sign the other connection's nonce: a replayed signature must not work.
    const signature = c.privateKey.sign(new TextEncoder().encode('p2pft-signal-register/1:' + other.hello.nonce))
    c.send({ type: 'register', peerId: c.peerId, name: 'x', multiaddrs: [], rooms: [], signature: Buffer.from(await signature).toString('base64') })
    assert.equal((await c.next('error')).code, 'SIGNAL_AUTH_FAILED')
    assert.equal((await c.closed).code, 4001)
  })

  it('answers anything but register before registering with SIGNAL_NOT_REGISTERED', async () => {
    const c = await unregistered()
    c.send({ type: 'ping' })
    const error = await c.next('error')
    assert.equal(error.code, 'SIGNAL_NOT_REGISTERED')
    assert.notEqual(error.fatal, true)
  })

  it('closes a connection that does not register in time', async () => {
    const c = await unregistered()
    const error = await c.next('error', 5_000)
    assert.equal(error.code, 'SIGNAL_NOT_REGISTERED')
    assert.equal(error.fatal, true)
    assert.equal((await c.closed).code, 4003)
  })

  it('shows two clients on the same network (both on 127.0.0.1) to each other, via network', async () => {
    // The only test that registers with the real loopback address: the others pick their network with ?ip=.
    const a = await client({ name: 'A' })
    const b = await client({ name: 'B' })
    assert.equal(b.hello.observedAddress.ip, '127.0.0.1')
    assert.deepEqual(b.peers, [{ peerId: a.peerId, name: 'A', multiaddrs: [`/ip4/127.0.0.1/tcp/4001/p2p/${a.peerId}`], via: ['network'], rooms: [] }])
    const joined = await a.next('peer-joined')
    assert.equal(joined.peer.peerId, b.peerId)
    assert.deepEqual(joined.peer.via, ['network'])
  })

  it('shows clients on different networks to each other only through a shared room, naming only shared rooms', async () => {
    const a = await client({ query: '?ip=192.0.2.10', rooms: ['team', 'secret-a'] })
    const b = await client({ query: '?ip=192.0.2.20', rooms: ['team', 'secret-b'] })
    const c = await client({ query: '?ip=192.0.2.30', rooms: ['other'] })
    assert.deepEqual(b.peers.map(p => [p.peerId, p.via, p.rooms]), [[a.peerId, ['room'], ['team']]])
    assert.deepEqual(c.peers, [])
    assert.equal((await a.next('peer-joined')).peer.peerId, b.peerId)
    assert.ok(await a.quietFor('peer-joined', 200), 'a must not hear about c')
  })

  it('never shows a hidden client, though it sees others', async () => {
    const visible = await client({ query: '?ip=192.0.2.40' })
    const hidden = await client({ query: '?ip=192.0.2.40', hidden: true })
    assert.deepEqual(hidden.peers.map(p => p.peerId), [visible.peerId])
    assert.ok(await visible.quietFor('peer-joined', 200))
    const another = await client({ query: '?ip=192.0.2.40' })
    assert.deepEqual(another.peers.map(p => p.peerId), [visible.peerId])
    assert.equal((await hidden.next('peer-joined')).peer.peerId, another.peerId)
  })

  it('sends peer-updated on update, and peer-joined / peer-left when a room change starts or ends visibility', async () => {
    const a = await client({ query: '?ip=192.0.2.50', rooms: ['r1'] })
    const b = await client({ query: '?ip=192.0.2.51', rooms: ['r1'] })
    const c = await client({ query: '?ip=192.0.2.52', rooms: ['r2'] })
    await a.next('peer-joined')

    b.send({ type: 'update', name: 'Renamed' })
    const updated = await a.next('peer-updated')
    assert.equal(updated.peer.name, 'Renamed')

    b.send({ type: 'update', rooms: ['r2'] })
    assert.equal((await a.next('peer-left')).peerId, b.peerId)
    assert.equal((await c.next('peer-joined')).peer.peerId, b.peerId)
    // b itself learns the change of its own view.
    assert.equal((await b.next('peer-left')).peerId, a.peerId)
    assert.equal((await b.next('peer-joined')).peer.peerId, c.peerId)
  })

  it('replaces the older session when the same PeerId registers again', async () => {
    const watcher = await client({ query: '?ip=192.0.2.60' })
    const first = await client({ query: '?ip=192.0.2.60', name: 'old' })
    await watcher.next('peer-joined')
    const second = await connectSignalClient(server.url, { query: '?ip=192.0.2.60', privateKey: first.privateKey })
    clients.push(second)
    second.register({ name: 'new' })
    await second.next('registered')
    const closed = await first.closed
    assert.equal(closed.code, 4002)
    assert.match(closed.reason, /replaced/)
    const updated = await watcher.next('peer-updated')
    assert.equal(updated.peer.name, 'new')
    assert.ok(await watcher.quietFor('peer-left', 300), 'the replaced session must not make the peer leave')
  })

  it('tells the others within 1 s when a client disconnects', async () => {
    const a = await client({ query: '?ip=192.0.2.70' })
    const b = await client({ query: '?ip=192.0.2.70' })
    await a.next('peer-joined')
    b.close()
    const left = await a.next('peer-left', 1_000)
    assert.equal(left.peerId, b.peerId)
  })

  it('drops a client that stops sending heartbeats, but keeps one that pings', async () => {
    const silent = await client({ query: '?ip=192.0.2.80' })
    const alive = await client({ query: '?ip=192.0.2.80' })
    await alive.next('pong')
    silent.stopHeartbeat()
    const stoppedAt = Date.now()
    const left = await alive.next('peer-left', 5_000)
    assert.equal(left.peerId, silent.peerId)
    assert.ok(Date.now() - stoppedAt >= 700, 'not before the heartbeat timeout')
    assert.equal((await silent.closed).code, 4003)
    assert.ok(await alive.quietFor('error', 1_000), 'the pinging client stays')
  })

  it('forwards a rendezvous payload between two visible peers', async () => {
    const a = await client({ query: '?ip=192.0.2.90' })
    const b = await client({ query: '?ip=192.0.2.90' })
    a.send({ type: 'signal', to: b.peerId, payload: { kind: 'punch', port: 40123 } })
    const delivered = await b.next('signal')
    assert.deepEqual(delivered, { type: 'signal', from: a.peerId, payload: { kind: 'punch', port: 40123 } })
  })

  it('answers SIGNAL_PEER_NOT_FOUND for an unknown or invisible peer', async () => {
    const a = await client({ query: '?ip=192.0.2.100' })
    const stranger = await client({ query: '?ip=192.0.2.101' })
    const unknown = (await generateKeyPair('Ed25519')).publicKey.toString()
    a.send({ type: 'signal', to: unknown, payload: {} })
    assert.equal((await a.next('error')).code, 'SIGNAL_PEER_NOT_FOUND')
    a.send({ type: 'signal', to: stranger.peerId, payload: {} })
    assert.equal((await a.next('error')).code, 'SIGNAL_PEER_NOT_FOUND')
    assert.ok(await stranger.quietFor('signal', 100))
  })

  it('lets a peer answer a hidden peer that signalled it', async () => {
    const hidden = await client({ query: '?ip=192.0.2.110', hidden: true })
    const visible = await client({ query: '?ip=192.0.2.110' })
    visible.send({ type: 'signal', to: hidden.peerId, payload: { q: 1 } })
    assert.equal((await visible.next('error')).code, 'SIGNAL_PEER_NOT_FOUND', 'a hidden peer cannot be reached unasked')
    hidden.send({ type: 'signal', to: visible.peerId, payload: { q: 2 } })
    await visible.next('signal')
    visible.send({ type: 'signal', to: hidden.peerId, payload: { a: 2 } })
    assert.deepEqual((await hidden.next('signal')).payload, { a: 2 })
  })

  it('refuses a rendezvous payload over the limit with SIGNAL_MESSAGE_TOO_LARGE', async () => {
    const a = await client({ query: '?ip=192.0.2.120' })
    const b = await client({ query: '?ip=192.0.2.120' })
    a.send({ type: 'signal', to: b.peerId, payload: { blob: 'x'.repeat(MAX_RENDEZVOUS_PAYLOAD_BYTES) } })
    const error = await a.next('error')
    assert.equal(error.code, 'SIGNAL_MESSAGE_TOO_LARGE')
    assert.notEqual(error.fatal, true)
    assert.ok(await b.quietFor('signal', 100))
  })

  it('answers invalid JSON and schema-invalid messages with SIGNAL_INVALID_MESSAGE and keeps serving', async () => {
    const a = await client({ query: '?ip=192.0.2.130' })
    a.sendRaw('{not json')
    const notJson = await a.next('error')
    assert.equal(notJson.code, 'SIGNAL_INVALID_MESSAGE')
    assert.match(notJson.message, /not JSON/)
    a.send({ type: 'update', name: '' })
    const invalid = await a.next('error')
    assert.equal(invalid.code, 'SIGNAL_INVALID_MESSAGE')
    assert.match(invalid.message, /invalid signal message/)
    a.send({ type: 'ping' })
    await a.next('pong')
    const b = await client({ query: '?ip=192.0.2.130' })
    assert.deepEqual(b.peers.map(p => p.peerId), [a.peerId])
  })

  it('closes a connection after too many invalid messages', async () => {
    const c = await unregistered()
    for (let i = 0; i < 21; i++) c.sendRaw('nope')
    const { code } = await c.closed
    assert.equal(code, 1008)
    const last = c.received.at(-1)
    assert.equal(last?.type, 'error')
    assert.equal(last.type === 'error' && last.fatal, true)
    assert.equal(c.received.filter(m => m.type === 'error').length, 21)
  })

  it('closes a connection that sends a message over MAX_SIGNAL_MESSAGE_BYTES with 1009', async () => {
    const c = await unregistered()
    c.sendRaw(JSON.stringify({ type: 'ping', pad: 'x'.repeat(MAX_SIGNAL_MESSAGE_BYTES) }))
    assert.equal((await c.closed).code, 1009)
  })

  it('drops messages beyond the rate limit with SIGNAL_RATE_LIMITED', async () => {
    const c = await client({ query: '?ip=192.0.2.140' })
    const startedAt = Date.now()
    for (let i = 0; i < 300; i++) c.send({ type: 'ping' })
    const error = await c.next('error')
    assert.equal(error.code, 'SIGNAL_RATE_LIMITED')
    assert.notEqual(error.fatal, true)
    // Once tokens refill, a marker's answer arrives after every pong of the flood.
    await new Promise(resolve => setTimeout(resolve, 300))
    c.send({ type: 'signal', to: (await generateKeyPair('Ed25519')).publicKey.toString(), payload: {} })
    while ((await c.next('error')).code !== 'SIGNAL_PEER_NOT_FOUND') { /* a later rate-limit notice; keep reading */ }
    const elapsedSeconds = Math.floor((Date.now() - startedAt) / 1000)
    const pongs = c.received.filter(m => m.type === 'pong').length
    assert.ok(pongs >= 100 && pongs < 300, `expected the burst to pass and the rest to be dropped, got ${pongs} pongs`)
    const notices = c.received.filter(m => m.type === 'error' && m.code === 'SIGNAL_RATE_LIMITED').length
    assert.ok(notices <= 1 + elapsedSeconds, `one notice per second, not one per dropped message: got ${notices}`)
  })
})

describe('signal server HTTP, limits and shutdown', () => {
  it('announces its lane relay and hands a registered peer a ticket that splices two sockets; without a relay, no ticket', async () => {
    const server = await createSignalServer({ log }, { host: '127.0.0.1', port: 0, relay: { port: 0 } })
    const bare = await createSignalServer({ log }, { host: '127.0.0.1', port: 0, relay: false })
    const peer = await registeredClient(server.url)
    const bareServerPeer = await registeredClient(bare.url)
    const clients = [peer, bareServerPeer]
    const sockets: Socket[] = []
    try {
      assert.ok(server.laneRelayPort !== null && server.laneRelayPort > 0)
      assert.deepEqual(peer.hello.laneRelay, { tcpPort: server.laneRelayPort })
      peer.send({ type: 'lane-relay', requestId: 41 })
      const answer = await peer.next('lane-relay')
      assert.equal(answer.requestId, 41)
      assert.ok(answer.ticket !== undefined)

      // The receiver holds the ticket, the sender joins it: what either writes after its hello reaches the other.
      const hello = (role: number): Buffer => Buffer.concat([Buffer.from(LANE_RELAY_MAGIC, 'latin1'), Buffer.of(role), Buffer.from(answer.ticket ?? '', 'base64url')])
      const holder = connect({ host: '127.0.0.1', port: server.laneRelayPort })
      const joiner = connect({ host: '127.0.0.1', port: server.laneRelayPort })
      sockets.push(holder, joiner)
      holder.write(hello(LANE_RELAY_ROLE_HOLDER))
      joiner.write(Buffer.concat([hello(LANE_RELAY_ROLE_JOINER), Buffer.from('sealed bytes')]))
      const [received] = await once(holder, 'data') as [Buffer]
      assert.equal(received.toString(), 'sealed bytes')

      assert.equal(bareServerPeer.hello.laneRelay, undefined)
      assert.equal(bare.laneRelayPort, null)
      bareServerPeer.send({ type: 'lane-relay', requestId: 7 })
      assert.deepEqual(await bareServerPeer.next('lane-relay'), { type: 'lane-relay', requestId: 7 })
    } finally {
      for (const socket of sockets) socket.destroy()
      for (const c of clients) c.close()
      await server.close()
      await bare.close()
    }
  })

  it('tells a client the address and port its TCP connection comes from', async () => {
    const server = await createSignalServer({ log }, { host: '127.0.0.1', port: 0, relay: false })
    try {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(server.url).port) })
      await once(socket, 'connect')
      const localPort = socket.localPort
      socket.write(`GET /v1/observed-address HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
      let response = ''
      for await (const data of socket) response += String(data)
      const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { ip: string, port: number }
      assert.deepEqual(body, { ip: '127.0.0.1', port: localPort })
    } finally {
      await server.close()
    }
  })

  it('reports registered peers on /healthz and unknown routes as JSON 404', async () => {
    const server = await createSignalServer({ log }, { host: '127.0.0.1', port: 0, relay: false })
    const clients = [await registeredClient(server.url), await registeredClient(server.url, { hidden: true })]
    try {
      const health = await fetch(`${server.url}/healthz`)
      assert.equal(health.status, 200)
      const { uptimeSeconds, ...body } = await health.json() as { status: string, peers: number, relay: unknown, uptimeSeconds: number }
      assert.deepEqual(body, { status: 'ok', peers: 2, relay: null })
      assert.ok(Number.isInteger(uptimeSeconds) && uptimeSeconds >= 0 && uptimeSeconds < 60)

      const missing = await fetch(`${server.url}/nope?x=1`)
      assert.equal(missing.status, 404)
      const error = await missing.json() as { error: { code: string, message: string } }
      assert.equal(error.error.code, 'PROTOCOL_UNEXPECTED_MESSAGE')
      assert.equal(error.error.message, 'no route GET /nope')
    } finally {
      for (const c of clients) c.close()
      await server.close()
    }
  })

  it('turns connections away with 1013 once maxSessions are open', async () => {
    const server = await createSignalServer({ log }, { host: '127.0.0.1', port: 0, relay: false, maxSessions: 1 })
    try {
      const first = await connectSignalClient(server.url)
      const second = new WebSocket(server.url.replace(/^http/, 'ws') + '/v1/ws')
      const messages: string[] = []
      second.addEventListener('message', event => { messages.push(String(event.data)) })
      const [closeEvent] = await once(second, 'close') as [CloseEvent]
      assert.equal(closeEvent.code, 1013)
      assert.match(messages[0] ?? '', /"fatal":true/)
      first.close()
    } finally {
      await server.close()
    }
  })

  it('closes every session with 1001 on close()', async () => {
    const server = await createSignalServer({ log }, { host: '127.0.0.1', port: 0, relay: false })
    const c = await registeredClient(server.url)
    const started = Date.now()
    await server.close()
    assert.equal((await c.closed).code, 1001)
    assert.ok(Date.now() - started < 3_000)
    await assert.rejects(fetch(`${server.url}/healthz`))
  })
})
