import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { pino } from 'pino'
import { isAppError, parsePairingCode, PAIRING_WS_PATH, type ErrorCode } from '@p2pft/protocol'
import { createCpaceHandshake } from '../src/pairing/cpace-handshake.ts'
import { joinPairing, openPairing } from '../src/pairing/pair-device.ts'
import { startSignalServer, type JsonProcess } from './support/json-process.ts'
import { startWebSocketProxy, type FrameTamper, type WebSocketProxy } from './support/websocket-proxy.ts'

const log = pino({ level: 'silent' })

/** The other code: same nameplate, a different secret. */
function wrongSecretOf (code: string): string {
  const { nameplate, secret } = parsePairingCode(code)
  return nameplate + String((Number(secret) + 1) % 1_000_000).padStart(6, '0')
}

function rejectsWith (code: ErrorCode) {
  return (err: unknown): boolean => {
    assert.ok(isAppError(err, code), `expected ${code}, got ${String((err as Error)?.stack ?? err)}`)
    return true
  }
}

describe('pairing two devices through the signal server mailbox (real server, real WebSockets)', () => {
  let server: JsonProcess
  let serverUrl: string
  let alice: PrivateKey
  let bob: PrivateKey
  const proxies: WebSocketProxy[] = []

  before(async () => {
    ({ process: server, url: serverUrl } = await startSignalServer())
    alice = await generateKeyPair('Ed25519')
    bob = await generateKeyPair('Ed25519')
  })

  after(async () => {
    for (const proxy of proxies) await proxy.close()
    await server?.stop()
  })

  const proxy = async (tamper?: FrameTamper): Promise<WebSocketProxy> => {
    const started = await startWebSocketProxy(serverUrl, PAIRING_WS_PATH, tamper)
    proxies.push(started)
    return started
  }

  test('the right code pairs both devices to each other\'s PeerId with one shared pair tag', async () => {
    const opened = await openPairing({ privateKey: alice, log }, { server: serverUrl, name: 'Alice laptop' })
    assert.match(opened.code, /^\d{3}-\d{3}-\d{3}$/)
    const joined = await joinPairing({ privateKey: bob, log }, { server: serverUrl, name: 'Bob phone', code: opened.code })
    const atAlice = await opened.result
    assert.equal(atAlice.peerId, peerIdFromPrivateKey(bob).toString())
    assert.equal(atAlice.name, 'Bob phone')
    assert.equal(joined.peerId, peerIdFromPrivateKey(alice).toString())
    assert.equal(joined.name, 'Alice laptop')
    assert.equal(atAlice.pairTag, joined.pairTag)
    assert.match(joined.pairTag, /^[A-Za-z0-9_-]{43}$/)
  })

  test('a wrong code fails on both sides, burns the nameplate, and the server never sees the secret', async () => {
    const watcher = await proxy()
    const opened = await openPairing({ privateKey: alice, log }, { server: watcher.url, name: 'Alice laptop' })
    const wrong = wrongSecretOf(opened.code)
    await assert.rejects(joinPairing({ privateKey: bob, log }, { server: watcher.url, name: 'Bob phone', code: wrong }), rejectsWith('PAIRING_CODE_MISMATCH'))
    await assert.rejects(opened.result, rejectsWith('PAIRING_CODE_MISMATCH'))
    // One guess per nameplate: even the right code is refused now, so the server cannot let anyone retry.
    await assert.rejects(joinPairing({ privateKey: bob, log }, { server: serverUrl, name: 'Bob phone', code: opened.code }), rejectsWith('PAIRING_CODE_UNKNOWN'))
    const { secret } = parsePairingCode(opened.code)
    const seen = watcher.frames.map(frame => frame.text).join('\n')
    assert.ok(watcher.frames.length >= 6, 'the proxy saw the exchange')
    assert.ok(!seen.includes(secret) && !seen.includes(parsePairingCode(wrong).secret), 'no secret digits cross the server')
    assert.ok(!seen.includes(peerIdFromPrivateKey(alice).toString()) && !seen.includes(peerIdFromPrivateKey(bob).toString()), 'identities are never revealed to the server when the code is wrong')
  })

  test('a server that replaces the CPace shares with its own (guessing the code) is detected on both sides', async () => {
    let guessedCode = ''
    const tamper: FrameTamper = (text) => {
      const message = JSON.parse(text) as { type: string, nameplate?: string, sessionId?: string, body?: { kind?: string } }
      if (message.body?.kind === 'pake') {
        // The server knows the nameplate and session id, and guesses the secret.
        const { nameplate, secret } = parsePairingCode(guessedCode)
        const own = createCpaceHandshake({ role: 'opener', secret: String((Number(secret) + 7) % 1_000_000).padStart(6, '0'), nameplate, sessionId: 'x' })
        return JSON.stringify({ ...message, body: { kind: 'pake', element: Buffer.from(own.share).toString('base64url') } })
      }
      return text
    }
    const mitm = await proxy(tamper)
    const opened = await openPairing({ privateKey: alice, log }, { server: mitm.url, name: 'Alice laptop' })
    guessedCode = opened.code
    await assert.rejects(joinPairing({ privateKey: bob, log }, { server: mitm.url, name: 'Bob phone', code: opened.code }), rejectsWith('PAIRING_CODE_MISMATCH'))
    await assert.rejects(opened.result, rejectsWith('PAIRING_CODE_MISMATCH'))
  })

  test('a server that swaps the two shares (reflects each side\'s own share back) is detected on both sides', async () => {
    const shares = new Map<number, unknown>()
    // The peer's share may reach a side before its own went out: held until it has.
    const held = new Map<number, (body: unknown) => void>()
    const tamper: FrameTamper = (text, direction, connection, deliver) => {
      const message = JSON.parse(text) as { type: string, body?: { kind?: string } }
      if (direction === 'to-server' && message.body?.kind === 'pake') {
        shares.set(connection, message.body)
        held.get(connection)?.(message.body)
        held.delete(connection)
      }
      if (direction === 'to-client' && message.type === 'message' && message.body?.kind === 'pake') {
        const reflect = (own: unknown): void => { deliver(JSON.stringify({ ...message, body: own })) }
        if (shares.has(connection)) reflect(shares.get(connection))
        else held.set(connection, reflect)
        return undefined
      }
      return text
    }
    const mitm = await proxy(tamper)
    const opened = await openPairing({ privateKey: alice, log }, { server: mitm.url, name: 'Alice laptop' })
    await assert.rejects(joinPairing({ privateKey: bob, log }, { server: mitm.url, name: 'Bob phone', code: opened.code }), rejectsWith('PAIRING_CODE_MISMATCH'))
    await assert.rejects(opened.result, rejectsWith('PAIRING_CODE_MISMATCH'))
  })

  test('a server that flips a bit of a key confirmation is detected on both sides', async () => {
    const tamper: FrameTamper = (text, direction) => {
      const message = JSON.parse(text) as { type: string, body?: { kind?: string, mac?: string } }
      if (direction === 'to-client' && message.body?.kind === 'confirm' && message.body.mac !== undefined) {
        const mac = Buffer.from(message.body.mac, 'base64url')
        mac[0] = (mac[0] ?? 0) ^ 1
        return JSON.stringify({ ...message, body: { kind: 'confirm', mac: mac.toString('base64url') } })
      }
      return text
    }
    const mitm = await proxy(tamper)
    const opened = await openPairing({ privateKey: alice, log }, { server: mitm.url, name: 'Alice laptop' })
    await assert.rejects(joinPairing({ privateKey: bob, log }, { server: mitm.url, name: 'Bob phone', code: opened.code }), rejectsWith('PAIRING_CODE_MISMATCH'))
    await assert.rejects(opened.result, rejectsWith('PAIRING_CODE_MISMATCH'))
  })

  test('a code nobody opened is refused with a clear error', async () => {
    await assert.rejects(joinPairing({ privateKey: bob, log }, { server: serverUrl, name: 'Bob phone', code: '100-000-000' }), rejectsWith('PAIRING_CODE_UNKNOWN'))
    await assert.rejects(joinPairing({ privateKey: bob, log }, { server: serverUrl, name: 'Bob phone', code: '12-34' }), rejectsWith('PAIRING_CODE_INVALID'))
  })
})
