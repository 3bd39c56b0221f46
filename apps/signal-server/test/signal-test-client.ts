import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import {
  registerSignaturePayload, SIGNAL_WS_PATH, signalToClientDecoder, type HelloMessage, type SignalToClient
} from '@p2pft/protocol'

type MessageOf<T extends SignalToClient['type']> = Extract<SignalToClient, { type: T }>

/** A WebSocket client for tests: every server message is checked against the protocol schema. */
export interface SignalTestClient {
  readonly hello: HelloMessage
  readonly peerId: string
  readonly privateKey: Ed25519PrivateKey
  /** Every message received so far, in order. */
  readonly received: SignalToClient[]
  /** The next not yet consumed message of `type` (waiting for it if needed). */
  next: <T extends SignalToClient['type']>(type: T, timeoutMs?: number) => Promise<MessageOf<T>>
  /** True when no unconsumed message of `type` arrives within `ms`. */
  quietFor: (type: SignalToClient['type'], ms: number) => Promise<boolean>
  send: (message: unknown) => void
  sendRaw: (data: string) => void
  /** Resolves with the close code and reason once the socket is closed. */
  readonly closed: Promise<{ code: number, reason: string }>
  close: () => void
  /** Stops the automatic `ping`s, as a client that hung would. */
  stopHeartbeat: () => void
  /** Signs the hello nonce with this client's key and registers. */
  register: (details?: RegisterDetails) => void
  /** The `register` message this client would send (tests replay it elsewhere). */
  registerMessage: (details?: RegisterDetails) => Record<string, unknown>
}

export interface RegisterDetails {
  name?: string
  rooms?: string[]
  pairTags?: string[]
  hidden?: boolean
  multiaddrs?: string[]
  signWith?: Ed25519PrivateKey
}

export function signalWsUrl (httpUrl: string, query = ''): string {
  return httpUrl.replace(/^http/, 'ws') + SIGNAL_WS_PATH + query
}

export interface ConnectOptions {
  query?: string
  privateKey?: Ed25519PrivateKey
  /**
   * Once registered, the client pings this often, like a real one.
   * @default 200
   */
  heartbeatMs?: number
}

export async function connectSignalClient (httpUrl: string, options: ConnectOptions = {}): Promise<SignalTestClient> {
  const privateKey = options.privateKey ?? await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(privateKey).toString()
  const ws = new WebSocket(signalWsUrl(httpUrl, options.query))
  const received: SignalToClient[] = []
  const consumed = new Set<SignalToClient>()
  const waiters = new Set<() => void>()

  const closed = new Promise<{ code: number, reason: string }>(resolve => {
    ws.addEventListener('close', event => { resolve({ code: event.code, reason: event.reason }) })
  })
  let heartbeat: NodeJS.Timeout | undefined
  const stopHeartbeat = (): void => { clearInterval(heartbeat) }
  ws.addEventListener('close', stopHeartbeat)
  ws.addEventListener('message', event => {
    const message = signalToClientDecoder.decodeJson(String(event.data))
    received.push(message)
    if (message.type === 'registered' && heartbeat == null) {
      heartbeat = setInterval(() => { ws.send(JSON.stringify({ type: 'ping' })) }, options.heartbeatMs ?? 200)
    }
    for (const wake of waiters) wake()
  })

  function take<T extends SignalToClient['type']> (type: T): MessageOf<T> | undefined {
    const found = received.find(message => message.type === type && !consumed.has(message))
    if (found == null) return undefined
    consumed.add(found)
    return found as MessageOf<T>
  }

  async function next<T extends SignalToClient['type']> (type: T, timeoutMs = 3_000): Promise<MessageOf<T>> {
    const ready = take(type)
    if (ready != null) return ready
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(wake)
        reject(new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(received.map(m => m.type))}`))
      }, timeoutMs)
      const wake = (): void => {
        const message = take(type)
        if (message == null) return
        clearTimeout(timer)
        waiters.delete(wake)
        resolve(message)
      }
      waiters.add(wake)
    })
  }

  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => { resolve() })
    ws.addEventListener('error', () => { reject(new Error('WebSocket failed to open')) })
  })
  const hello = await next('hello')

  const send = (message: unknown): void => { ws.send(JSON.stringify(message)) }
  const registerMessage = (details: RegisterDetails = {}): Record<string, unknown> => {
    const signature = (details.signWith ?? privateKey).sign(registerSignaturePayload(hello.nonce))
    if (signature instanceof Promise) throw new Error('expected a synchronous Ed25519 signature')
    return {
      type: 'register',
      peerId,
      name: details.name ?? `peer-${peerId.slice(-4)}`,
      multiaddrs: details.multiaddrs ?? [`/ip4/127.0.0.1/tcp/4001/p2p/${peerId}`],
      rooms: details.rooms ?? [],
      ...(details.pairTags == null ? {} : { pairTags: details.pairTags }),
      ...(details.hidden == null ? {} : { hidden: details.hidden }),
      signature: Buffer.from(signature).toString('base64')
    }
  }
  return {
    hello,
    peerId,
    privateKey,
    received,
    next,
    async quietFor (type, ms) {
      try {
        await next(type, ms)
        return false
      } catch {
        return true
      }
    },
    send,
    sendRaw: data => { ws.send(data) },
    closed,
    close: () => {
      stopHeartbeat()
      ws.close()
    },
    stopHeartbeat,
    register (details = {}) {
      send(registerMessage(details))
    },
    registerMessage
  }
}

/** Connects, registers and waits for `registered` and `peers`. */
export async function registeredClient (
  httpUrl: string,
  details: RegisterDetails & { query?: string, heartbeatMs?: number } = {}
): Promise<SignalTestClient & { peers: MessageOf<'peers'>['peers'] }> {
  const client = await connectSignalClient(httpUrl, { query: details.query, heartbeatMs: details.heartbeatMs })
  client.register(details)
  await client.next('registered')
  const { peers } = await client.next('peers')
  return Object.assign(client, { peers })
}
