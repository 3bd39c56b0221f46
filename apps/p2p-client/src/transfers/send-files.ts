import { randomUUID } from 'node:crypto'
import { stat } from 'node:fs/promises'
import type { Logger } from 'pino'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import { AppError, TRANSFER_PROTOCOL_ID, isAppError, type ClientEvent } from '@p2pft/protocol'
import { sendTransfer, type SendResult } from '@p2pft/transfer'
import { DIAL_TIMEOUT_MS } from '../constants.ts'
import type { Client } from '../client/create-client.ts'
import { toByteStream } from '../p2p/byte-stream-adapter.ts'
import { describeConnection } from '../p2p/describe-connection.ts'
import type { DirectoryPeer } from '../peers/peer-directory.ts'

export interface SendFilesOptions {
  client: Client
  /** A PeerId or a display name. */
  to: string
  paths: string[]
  /** Dial only through the relay (tests, and users behind strict firewalls). */
  relayOnly: boolean
  waitMs: number
  report: (event: ClientEvent) => void
  log: Logger
  signal: AbortSignal
}

/** Finds the receiver, connects (directly if possible, else through the relay) and sends. */
export async function sendFiles (options: SendFilesOptions): Promise<SendResult> {
  await assertPathsExist(options.paths)
  const peer = await options.client.directory.waitFor(options.to, options.waitMs, options.signal)
  const connection = await connect(options, peer)
  const peerRef = { peerId: peer.peerId, name: peer.name }
  options.report({ event: 'connection', peer: peerRef, ...describeConnection(connection) })
  const stream = await connection.newStream(TRANSFER_PROTOCOL_ID, { runOnLimitedConnection: true, signal: options.signal })
  const transferId = randomUUID().replaceAll('-', '')
  try {
    return await sendTransfer({
      transferId,
      stream: toByteStream(stream),
      paths: options.paths,
      senderName: options.client.name,
      log: options.log,
      signal: options.signal,
      onEvent: options.report,
      onAccepted: () => { options.report({ event: 'accepted', transferId, peer: peerRef }) }
    })
  } catch (err) {
    if (isAppError(err, 'TRANSFER_DECLINED')) {
      options.report({ event: 'declined', transferId, peer: peerRef, code: err.code, message: err.message })
    }
    throw err
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
  const addrs = dialAddresses(peer, options.relayOnly)
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
  if (describeConnection(connection).type === 'direct' || options.relayOnly || options.client.holePuncher === undefined) return connection
  // Only the relay got through: try a hole punch, and keep the relay if the routers refuse.
  try {
    return await options.client.holePuncher.punch(peer.peerId, options.signal)
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
