import { stat } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection } from '@libp2p/interface'
import { AppError, TRANSFER_PROTOCOL_ID, toAppError, type ClientEvent, type ErrorCode } from '@p2pft/protocol'
import { sendTransfer, type SendResult } from '@p2pft/transfer'
import { DIAL_TIMEOUT_MS } from '../constants.ts'
import type { Client } from '../client/create-client.ts'
import { toByteStream } from '../p2p/byte-stream-adapter.ts'
import { describeConnection } from '../p2p/describe-connection.ts'
import type { DirectoryPeer } from '../peers/peer-directory.ts'
import { DEFAULT_RETRY_FOR_MS, retryDelayMs } from './retry-backoff.ts'

export interface SendFilesOptions {
  client: Client
  /** A PeerId or a display name. */
  to: string
  paths: string[]
  /** Dial only through the relay (tests, and users behind strict firewalls). */
  relayOnly: boolean
  waitMs: number
  /**
   * Once the receiver accepted, an interrupted transfer is retried (and resumes where it
   * stopped) until it has made no progress for this long. @default DEFAULT_RETRY_FOR_MS
   */
  retryForMs?: number
  /** Dial the receiver at this multiaddr instead of what it announced (tests: a proxy; unusual networks). */
  dialVia?: string
  report: (event: ClientEvent) => void
  log: Logger
  signal: AbortSignal
}

/** Worth another try once the receiver holds a resumable state: the network, the peer's process or its disk. */
const RETRYABLE = new Set<ErrorCode>(['TRANSFER_PEER_GONE', 'TRANSFER_DIAL_FAILED', 'TRANSFER_PEER_NOT_FOUND', 'TRANSFER_TIMEOUT', 'TRANSFER_NO_SPACE'])

/**
 * Finds the receiver, connects (directly if possible, else through the relay) and sends.
 * The transferId is derived from both PeerIds and the files, so every try (and a later
 * run of the same `send`) is the same transfer and the receiver resumes it. After the
 * first accept, a lost connection is retried with backoff until `retryForMs` passes
 * without progress; then the last error is thrown (the receiver keeps its partial data).
 */
export async function sendFiles (options: SendFilesOptions): Promise<SendResult> {
  await assertPathsExist(options.paths)
  const retryForMs = options.retryForMs ?? DEFAULT_RETRY_FOR_MS
  const log = options.log.child({ component: 'send-files' })
  let everAccepted = false
  let deadlineMs = Number.POSITIVE_INFINITY
  let transferId: string | undefined
  let peer: DirectoryPeer | undefined
  for (let attempt = 0; ; attempt++) {
    let accepted = false
    try {
      const waitMs = attempt === 0 ? options.waitMs : Math.max(1, Math.min(options.waitMs, deadlineMs - Date.now()))
      peer = await options.client.directory.waitFor(peer?.peerId ?? options.to, waitMs, options.signal)
      if (attempt > 0) await hangUp(options.client, peer.peerId, log)
      return await sendOnce(options, peer, {
        onTransferId: (id) => { transferId = id },
        onAccepted: () => { accepted = true }
      })
    } catch (err) {
      const error = toAppError(err, 'INTERNAL_ERROR', 'the transfer failed unexpectedly')
      if (accepted) {
        everAccepted = true
        deadlineMs = Date.now() + retryForMs
      }
      if (options.signal.aborted || !everAccepted || !RETRYABLE.has(error.code)) throw error
      const delayMs = retryDelayMs(attempt + 1)
      if (Date.now() + delayMs > deadlineMs) {
        throw new AppError(error.code, `${error.message}; gave up after retrying for ${Math.round(retryForMs / 1000)} s (the receiver keeps what it got: send the same files again to resume)`, { cause: error })
      }
      log.info({ code: error.code, attempt: attempt + 1, inMs: delayMs }, 'transfer interrupted; retrying')
      options.report({
        event: 'retrying',
        ...(transferId === undefined ? {} : { transferId }),
        attempt: attempt + 1,
        inMs: delayMs,
        reason: { code: error.code, message: error.message.slice(0, 1000) }
      })
      try {
        await sleep(delayMs, undefined, { signal: options.signal })
      } catch {
        throw error
      }
    }
  }
}

/** One try: connect, open the transfer stream, send (resuming whatever the receiver holds). */
async function sendOnce (options: SendFilesOptions, peer: DirectoryPeer, hooks: { onTransferId: (id: string) => void, onAccepted: () => void }): Promise<SendResult> {
  const connection = await connect(options, peer)
  const peerRef = { peerId: peer.peerId, name: peer.name }
  options.report({ event: 'connection', peer: peerRef, ...describeConnection(connection) })
  let stream
  try {
    stream = await connection.newStream(TRANSFER_PROTOCOL_ID, { runOnLimitedConnection: true, signal: AbortSignal.any([options.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]) })
  } catch (err) {
    throw new AppError('TRANSFER_DIAL_FAILED', `connected to ${peer.name} but could not open a transfer stream: ${(err as Error).message}`, { cause: err })
  }
  let transferId = ''
  return await sendTransfer({
    idSeed: `${options.client.peerId}/${peer.peerId}`,
    onTransferId: (id) => { transferId = id; hooks.onTransferId(id) },
    stream: toByteStream(stream),
    paths: options.paths,
    senderName: options.client.name,
    log: options.log,
    signal: options.signal,
    onEvent: options.report,
    onAccepted: () => {
      hooks.onAccepted()
      options.report({ event: 'accepted', transferId, peer: peerRef })
    },
    onDeclined: (reason) => { options.report({ event: 'declined', transferId, peer: peerRef, code: reason.code, message: reason.message }) }
  })
}

/** A graceful close over a dead link can wait for ever; the retry does not wait for it longer than this. */
const HANG_UP_TIMEOUT_MS = 2_000

/** Drops connections to the peer left from the last try: one that died silently would be reused otherwise. */
async function hangUp (client: Client, peerId: string, log: Logger): Promise<void> {
  try {
    await Promise.race([client.node.hangUp(peerIdFromString(peerId)), sleep(HANG_UP_TIMEOUT_MS)])
  } catch (err) {
    log.debug({ err }, 'could not close the old connection')
  }
}

async function assertPathsExist (paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      await stat(path)
    } catch (err) {
      throw new AppError('TRANSFER_SOURCE_NOT_FOUND', `cannot read "${path}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`, { cause: err })
    }
  }
}

async function connect (options: SendFilesOptions, peer: DirectoryPeer): Promise<Connection> {
  const addrs = options.dialVia !== undefined ? [multiaddr(`${options.dialVia}/p2p/${peer.peerId}`)] : dialAddresses(peer, options.relayOnly)
  if (addrs.length === 0) {
    throw new AppError('TRANSFER_DIAL_FAILED', options.relayOnly
      ? `${peer.name} has no relay address yet; is it connected to the same signal server?`
      : `${peer.name} announced no address we can dial`)
  }
  let connection: Connection
  try {
    connection = await options.client.node.dial(addrs, { signal: AbortSignal.any([options.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]) })
  } catch (err) {
    throw new AppError('TRANSFER_DIAL_FAILED', `cannot connect to ${peer.name}, directly or through the relay: ${(err as Error).message}`, { cause: err })
  }
  const puncher = options.client.holePuncher
  if (describeConnection(connection).type === 'direct' || options.relayOnly || options.dialVia !== undefined || puncher === undefined) return connection
  // Only the relay got through: try a hole punch, and keep the relay if the routers refuse.
  try {
    return await puncher.punch(peer.peerId, options.signal)
  } catch (err) {
    options.log.info({ err, peerId: peer.peerId.slice(-8) }, 'no direct path; staying on the relay')
    return connection
  }
}

/** The peer's addresses, each ending in its PeerId so noise checks we reached the right device. */
function dialAddresses (peer: DirectoryPeer, relayOnly: boolean): Multiaddr[] {
  return peer.multiaddrs
    .filter(addr => !relayOnly || addr.includes('/p2p-circuit'))
    .map(addr => addr.endsWith(`/p2p/${peer.peerId}`) ? addr : `${addr}/p2p/${peer.peerId}`)
    .map(addr => multiaddr(addr))
}
