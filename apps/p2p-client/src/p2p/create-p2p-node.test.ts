import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { createP2PNode } from './create-p2p-node.ts'

const LOOPBACK = ['/ip4/127.0.0.1/tcp/0']

async function createOurNode (): Promise<Awaited<ReturnType<typeof createP2PNode>>> {
  return await createP2PNode({ privateKey: await generateKeyPair('Ed25519'), listen: LOOPBACK, mdns: false, userAgent: 'p2pft-test' })
}

test('two of our nodes secure their connection with TLS', async (t) => {
  const [a, b] = [await createOurNode(), await createOurNode()]
  t.after(async () => { await Promise.all([a.stop(), b.stop()]) })

  const connection = await a.dial(b.getMultiaddrs())

  assert.equal(connection.encryption, '/tls/1.0.0')
  assert.equal(connection.remotePeer.toString(), b.peerId.toString())
})

async function createNoiseOnlyNode (): Promise<Awaited<ReturnType<typeof createLibp2p>>> {
  return await createLibp2p({ addresses: { listen: LOOPBACK }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
}

test('a libp2p peer that only speaks noise still connects both ways, through the noise fallback', async (t) => {
  const [ours, dialled, dialling] = [await createOurNode(), await createNoiseOnlyNode(), await createNoiseOnlyNode()]
  t.after(async () => { await Promise.all([ours.stop(), dialled.stop(), dialling.stop()]) })

  const outbound = await ours.dial(dialled.getMultiaddrs())
  const inbound = await dialling.dial(ours.getMultiaddrs())

  assert.equal(outbound.encryption, '/noise')
  assert.equal(outbound.remotePeer.toString(), dialled.peerId.toString())
  assert.equal(inbound.encryption, '/noise')
  assert.equal(inbound.remotePeer.toString(), ours.peerId.toString())
})
