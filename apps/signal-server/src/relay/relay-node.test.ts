import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import type { Libp2p, Stream } from '@libp2p/interface'
import { noise } from '@libp2p/noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { pino } from 'pino'
import { createRelayNode, type RelayNode } from './relay-node.ts'

const PROTOCOL = '/p2pft-test/bulk/1.0.0'
const log = pino({ level: 'silent' })

/** A minimal peer: TCP to reach the relay, circuit relay to be reached through it. */
async function createPeer (listen: string[]): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
}

async function waitFor<T> (what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = probe()
    if (value != null) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Receives one stream per call and hashes everything on it. */
function receiveOne (peer: Libp2p): Promise<{ bytes: number, sha256: string }> {
  return new Promise((resolve, reject) => {
    peer.handle(PROTOCOL, async (stream: Stream) => {
      const hash = createHash('sha256')
      let bytes = 0
      try {
        for await (const chunk of stream) {
          const data = chunk.subarray()
          hash.update(data)
          bytes += data.byteLength
        }
        resolve({ bytes, sha256: hash.digest('hex') })
      } catch (err) {
        reject(err)
      }
    }, { runOnLimitedConnection: true, force: true }).catch(reject)
  })
}

async function sendAll (stream: Stream, data: Uint8Array): Promise<void> {
  const chunkBytes = 64 * 1024
  for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
    if (!stream.send(data.subarray(offset, offset + chunkBytes))) await stream.onDrain()
  }
  await stream.close()
}

async function stopAll (nodes: Array<{ stop: () => unknown } | undefined>): Promise<void> {
  await Promise.all(nodes.map(async node => await Promise.race([node?.stop(), delay(3_000)])))
}

/** A timer that does not keep the test process alive. */
async function delay<T> (ms: number, value?: T): Promise<T | undefined> {
  return await new Promise(resolve => setTimeout(() => resolve(value), ms).unref())
}

describe('relay node', () => {
  const dataLimitBytes = 1024 ** 3
  let relay: RelayNode
  let listener: Libp2p
  let dialer: Libp2p

  before(async () => {
    relay = await createRelayNode({ log }, { host: '127.0.0.1', port: 0, dataLimitBytes })
    const relayAddr = `/ip4/127.0.0.1/tcp/${relay.info.tcpPort}/p2p/${relay.info.peerId}`
    listener = await createPeer([`${relayAddr}/p2p-circuit`])
    dialer = await createPeer([])
  })

  after(async () => { await stopAll([dialer, listener, relay]) })

  it('announces its PeerId, TCP port and listen addresses', () => {
    assert.match(relay.info.peerId, /^12D3KooW/)
    assert.ok(relay.info.tcpPort > 0)
    assert.deepEqual(relay.info.multiaddrs, [`/ip4/127.0.0.1/tcp/${relay.info.tcpPort}/p2p/${relay.info.peerId}`])
  })

  it('relays 8 MiB intact between two peers, far beyond the 128 KiB libp2p default', async () => {
    const circuitAddr = await waitFor('a relayed listen address', () =>
      listener.getMultiaddrs().find(ma => ma.toString().includes('/p2p-circuit')))
    const received = receiveOne(listener)
    const data = randomBytes(8 * 1024 * 1024)

    const stream = await dialer.dialProtocol(multiaddr(circuitAddr.toString()), PROTOCOL, { runOnLimitedConnection: true })
    const connection = dialer.getConnections(listener.peerId)[0]
    // `limits.bytes` counts down as data flows (identify has already used a little).
    const remaining = connection?.limits?.bytes ?? 0n
    assert.ok(remaining > BigInt(dataLimitBytes - 1024 * 1024) && remaining <= BigInt(dataLimitBytes), `relay announced ${remaining} bytes`)
    await sendAll(stream, data)

    const { bytes, sha256 } = await received
    assert.equal(bytes, data.byteLength)
    assert.equal(sha256, createHash('sha256').update(data).digest('hex'))
  })
})

describe('relay node limits', () => {
  it('refuses a second reservation from the same address beyond maxReservationsPerIp', async () => {
    const relay = await createRelayNode({ log }, { host: '127.0.0.1', port: 0, maxReservationsPerIp: 1 })
    const circuit = `/ip4/127.0.0.1/tcp/${relay.info.tcpPort}/p2p/${relay.info.peerId}/p2p-circuit`
    const first = await createPeer([circuit])
    let second: Libp2p | undefined
    try {
      assert.equal(relay.reservationCount, 1)
      await assert.rejects(async () => { second = await createPeer([circuit]) }, /PERMISSION_DENIED/)
      assert.equal(relay.reservationCount, 1)
    } finally {
      await stopAll([second, first, relay])
    }
  })

  it('cuts a relayed connection at the configured data limit', async () => {
    const relay = await createRelayNode({ log }, { host: '127.0.0.1', port: 0, dataLimitBytes: 256 * 1024 })
    const relayAddr = `/ip4/127.0.0.1/tcp/${relay.info.tcpPort}/p2p/${relay.info.peerId}`
    const listener = await createPeer([`${relayAddr}/p2p-circuit`])
    const dialer = await createPeer([])
    try {
      const circuitAddr = await waitFor('a relayed listen address', () =>
        listener.getMultiaddrs().find(ma => ma.toString().includes('/p2p-circuit')))
      const received = receiveOne(listener).then(result => result.bytes, () => -1)
      const stream = await dialer.dialProtocol(multiaddr(circuitAddr.toString()), PROTOCOL, { runOnLimitedConnection: true })
      await sendAll(stream, randomBytes(4 * 1024 * 1024)).catch(() => {})
      const bytes = await Promise.race([received, delay(10_000, -2)])
      assert.notEqual(bytes, -2, 'the receiver neither finished nor failed')
      assert.ok(bytes != null && bytes < 4 * 1024 * 1024, `expected the transfer to be cut, ${bytes} bytes arrived`)
    } finally {
      await stopAll([dialer, listener, relay])
    }
  })
})
