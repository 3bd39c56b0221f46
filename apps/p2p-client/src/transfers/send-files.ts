import { stat } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Connection } from '@libp2p/interface'
import { AppError, TRANSFER_PROTOCOL_ID, toAppError, type ClientEvent, type ErrorCode } from '@p2pft/protocol'
import { sendTransfer, type ByteStream, type SendResult, type SendTransferOptions } from '@p2pft/transfer'
import { DIAL_TIMEOUT_MS } from '../constants.ts'
import type { Client } from '../client/create-client.ts'
import { toByteStream } from '../p2p/byte-stream-adapter.ts'
import { describeConnection, routeHintsOf, type ConnectionDescription } from '../p2p/describe-connection.ts'
import { openLane } from '../lane/open-lane.ts'
import type { SealedSocketStream } from '../lane/sealed-socket-stream.ts'
import { isDialableFrom } from '../p2p/lan-first-address-sorter.ts'
import type { DirectoryPeer } from '../peers/peer-directory.ts'
import { DEFAULT_RETRY_FOR_MS, retryDelayMs } from './retry-backoff.ts'

export interface SendFilesOptions {
  client: Client
  /** A PeerId or a display name. */
  to: string
  paths: string[]
  /** Files still arriving (dropped in the GUI): what to offer and how to read them as they come. @default built from `paths` */
  staged?: Pick<SendTransferOptions, 'manifest' | 'readChunks'>
  /** Dial only through the relay (tests, and users behind strict firewalls). */
  relayOnly: boolean
  /**
   * Move the bytes over a data lane (a TCP socket of its own, sealed with keys exchanged
   * inside the libp2p connection, docs/protocol.md §4.8; over a relayed connection, spliced
   * by the signal server's lane relay, §4.9) when the receiver offers one: it skips libp2p's
   * per-message work. @default true
   */
  lane?: boolean
  waitMs: number
  /**
   * Once the receiver accepted, an interrupted transfer is retried (and resumes where it
   * stopped) until it has made no progress for this long. @default DEFAULT_RETRY_FOR_MS
   */
  retryForMs?: number
  /** Dial the receiver at this multiaddr instead of what it announced (tests: a proxy; unusual networks). */
  dialVia?: string
  /**
   * How long a transfer runs on the relay before the hole punch starts (tests: prove a
   * transfer moves mid-way). @default 0
   */
  punchDelayMs?: number
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
  if (options.staged === undefined) await assertPathsExist(options.paths)
  const retryForMs = options.retryForMs ?? DEFAULT_RETRY_FOR_MS
  const log = options.log.child({ component: 'send-files' })
  let everAccepted = false
  let deadlineMs = Number.POSITIVE_INFINITY
  let transferId: string | undefined
  let peer: DirectoryPeer | undefined
  // A direct connection a hole punch opened while the relay carried the transfer: the next try uses it.
  let direct: Connection | undefined
  for (let attempt = 0; ; attempt++) {
    let accepted = false
    let punched: Connection | undefined
    try {
      const waitMs = attempt === 0 ? options.waitMs : Math.max(1, Math.min(options.waitMs, deadlineMs - Date.now()))
      peer = await options.client.directory.waitFor(peer?.peerId ?? options.to, waitMs, options.signal)
      if (attempt > 0 && direct === undefined) await hangUp(options.client, peer.peerId, log)
      const connection = direct ?? await connect(options, peer)
      direct = undefined
      return await sendOnce(options, peer, connection, {
        onTransferId: (id) => { transferId = id },
        onAccepted: () => { accepted = true },
        onPunched: (opened) => { punched = opened }
      })
    } catch (err) {
      const error = toAppError(err, 'INTERNAL_ERROR', 'the transfer failed unexpectedly')
      if (accepted) {
        everAccepted = true
        deadlineMs = Date.now() + retryForMs
      }
      if (punched !== undefined && punched.status === 'open' && !options.signal.aborted) {
        // Not a failure: the relayed try was ended on purpose. Resume at once, directly.
        log.info({ transferId, remoteAddr: punched.remoteAddr.toString() }, 'moving the transfer to the punched direct connection')
        direct = punched
        continue
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

interface SendHooks {
  onTransferId: (id: string) => void
  onAccepted: () => void
  /** A hole punch succeeded during a relayed try, which is now being ended so the next one goes direct. */
  onPunched: (connection: Connection) => void
}

/** One try: open the transfer stream (a lane, else a libp2p stream), send (resuming whatever the receiver holds). */
async function sendOnce (options: SendFilesOptions, peer: DirectoryPeer, connection: Connection, hooks: SendHooks): Promise<SendResult> {
  const peerRef = { peerId: peer.peerId, name: peer.name }
  const description = describeConnection(connection, routeHintsOf(options.client.node))
  const lane = await tryLane(options, connection, description)
  options.report({ event: 'connection', peer: peerRef, ...description, ...(lane === undefined ? {} : { lane: true }) })
  let stream: ByteStream
  if (lane !== undefined) {
    stream = lane
  } else {
    try {
      stream = toByteStream(await connection.newStream(TRANSFER_PROTOCOL_ID, { runOnLimitedConnection: true, signal: AbortSignal.any([options.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]) }))
    } catch (err) {
      throw new AppError('TRANSFER_DIAL_FAILED', `connected to ${peer.name} but could not open a transfer stream: ${(err as Error).message}`, { cause: err })
    }
  }
  let transferId = ''
  const upgrade = punchInBackground(options, peer, connection, (punched) => {
    hooks.onPunched(punched)
    stream.abort(new AppError('TRANSFER_PEER_GONE', 'moving to a direct connection'))
  })
  try {
    return await sendTransfer({
      idSeed: `${options.client.peerId}/${peer.peerId}`,
      onTransferId: (id) => { transferId = id; hooks.onTransferId(id) },
      stream,
      paths: options.paths,
      ...options.staged,
      senderName: options.client.name,
      log: options.log,
      signal: options.signal,
      onEvent: options.report,
      onAccepted: () => {
        hooks.onAccepted()
        options.report({ event: 'accepted', transferId, peer: peerRef })
        upgrade.accepted()
      },
      onDeclined: (reason) => { options.report({ event: 'declined', transferId, peer: peerRef, code: reason.code, message: reason.message }) }
    })
  } finally {
    upgrade.stop()
  }
}

/**
 * A data lane to the peer when the connection is direct and reaches the peer's own
 * address, or relayed through a signal server that splices lanes (a punched path's NAT
 * would drop a second connection; `dialVia` asked for one path), else undefined: any
 * failure just means the libp2p connection carries the bytes.
 */
async function tryLane (options: SendFilesOptions, connection: Connection, description: ConnectionDescription): Promise<SealedSocketStream | undefined> {
  if (options.lane === false || options.dialVia !== undefined || description.route === 'hole-punch') return undefined
  try {
    return await openLane(connection, options.log, options.signal)
  } catch (err) {
    options.log.info({ err }, 'no data lane; sending over the libp2p connection')
    return undefined
  }
}

/**
 * While the relay carries a transfer, tries a hole punch. Once it succeeds and the
 * receiver has accepted (so switching never asks the person twice), calls `onDirect`,
 * which ends the relayed try; the next one resumes from the last verified chunk.
 */
function punchInBackground (options: SendFilesOptions, peer: DirectoryPeer, connection: Connection, onDirect: (punched: Connection) => void): { accepted: () => void, stop: () => void } {
  const puncher = options.client.holePuncher
  if (describeConnection(connection).type === 'direct' || options.relayOnly || options.dialVia !== undefined || puncher === undefined) {
    return { accepted: () => {}, stop: () => {} }
  }
  const stopped = new AbortController()
  let isAccepted = false
  let punched: Connection | undefined
  const switchWhenReady = (): void => {
    if (!isAccepted || punched === undefined || stopped.signal.aborted) return
    stopped.abort()
    onDirect(punched)
  }
  const signal = AbortSignal.any([options.signal, stopped.signal])
  sleep(options.punchDelayMs ?? 0, undefined, { signal }).then(async () => await puncher.punch(peer.peerId, signal)).then(
    (opened) => { punched = opened; switchWhenReady() },
    (err: unknown) => { options.log.info({ err, peerId: peer.peerId.slice(-8) }, 'no direct path; staying on the relay') }
  )
  return {
    accepted: () => { isAccepted = true; switchWhenReady() },
    stop: () => { stopped.abort() }
  }
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
  return connection
}

/** The peer's addresses that can lead to it, each ending in its PeerId so noise checks we reached the right device. */
function dialAddresses (peer: DirectoryPeer, relayOnly: boolean): Multiaddr[] {
  const isOnOurNetwork = peer.via.includes('lan') || peer.via.includes('network')
  return peer.multiaddrs
    .filter(addr => !relayOnly || addr.includes('/p2p-circuit'))
    .filter(addr => isDialableFrom(addr, isOnOurNetwork))
    .map(addr => addr.endsWith(`/p2p/${peer.peerId}`) ? addr : `${addr}/p2p/${peer.peerId}`)
    .map(addr => multiaddr(addr))
}
