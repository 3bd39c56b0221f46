import { connect, type Socket } from 'node:net'
import type { Connection } from '@libp2p/interface'
import type { Logger } from 'pino'
import { AppError, LANE_MAGIC, LANE_PROTOCOL_ID, MAX_LANE_RESPONSE_BYTES, laneResponseDecoder } from '@p2pft/protocol'
import { readJsonAnswer } from '../p2p/read-json-answer.ts'
import { LANE_CONNECT_TIMEOUT_MS, LANE_READY_TIMEOUT_MS, LANE_REQUEST_TIMEOUT_MS } from './constants.ts'
import { ipOfMultiaddr } from './ip-of-multiaddr.ts'
import { deriveLaneKeys } from './lane-keys.ts'
import { createSealedSocketStream, type SealedSocketStream } from './sealed-socket-stream.ts'

/**
 * Opens a direct data lane to the peer of `connection` (a direct libp2p connection):
 * asks it for a ticket over the connection, connects a TCP socket to the same address
 * at the ticket's port, presents the ticket and waits for the peer's ready record.
 * Rejects (TRANSFER_DIAL_FAILED, TRANSFER_TIMEOUT, PROTOCOL_*) when any step fails: the
 * caller then sends over the libp2p connection as before.
 */
export async function openLane (connection: Connection, log: Logger, signal: AbortSignal): Promise<SealedSocketStream> {
  const host = ipOfMultiaddr(connection.remoteAddr)
  if (host === undefined) throw new AppError('TRANSFER_DIAL_FAILED', 'the connection has no IP address to open a lane to')
  const requestSignal = AbortSignal.any([signal, AbortSignal.timeout(LANE_REQUEST_TIMEOUT_MS)])
  const stream = await connection.newStream(LANE_PROTOCOL_ID, { signal: requestSignal })
  const ticket = laneResponseDecoder.decodeJson(await readJsonAnswer(stream, {
    maxBytes: MAX_LANE_RESPONSE_BYTES,
    signal: requestSignal,
    timeoutError: () => new AppError('TRANSFER_TIMEOUT', 'the peer did not answer the lane request in time'),
    what: 'lane answer'
  }))
  const socket = await connectSocket(host, ticket.port, signal)
  const ticketBytes = Buffer.from(ticket.ticket, 'base64url')
  const lane = createSealedSocketStream(socket, deriveLaneKeys(Buffer.from(ticket.secret, 'base64url'), ticketBytes, 'sender'))
  socket.write(Buffer.concat([Buffer.from(LANE_MAGIC, 'latin1'), ticketBytes]))
  const timer = setTimeout(() => { lane.abort(new AppError('TRANSFER_TIMEOUT', 'the peer did not accept the lane in time')) }, LANE_READY_TIMEOUT_MS)
  const onAbort = (): void => { lane.abort(new AppError('TRANSFER_CANCELLED', 'the transfer was cancelled')) }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    await lane.ready
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
  }
  log.debug({ host, port: ticket.port }, 'lane open')
  return lane
}

/** A half-open-capable TCP socket to host:port, or TRANSFER_DIAL_FAILED within LANE_CONNECT_TIMEOUT_MS. */
async function connectSocket (host: string, port: number, signal: AbortSignal): Promise<Socket> {
  const socket = connect({ host, port, allowHalfOpen: true, noDelay: true, timeout: LANE_CONNECT_TIMEOUT_MS })
  let onError: (err: Error) => void = () => {}
  const onTimeout = (): void => { onError(new Error('timed out')) }
  const onAbort = (): void => { onError(new Error('cancelled')) }
  try {
    await new Promise<void>((resolve, reject) => {
      onError = (err) => { reject(new AppError('TRANSFER_DIAL_FAILED', `could not connect the lane to ${host}:${port}: ${err.message}`, { cause: err })) }
      socket.once('connect', resolve)
      socket.on('error', onError)
      socket.on('timeout', onTimeout)
      if (signal.aborted) onAbort()
      signal.addEventListener('abort', onAbort)
    })
  } catch (err) {
    socket.destroy()
    throw err
  } finally {
    socket.off('error', onError)
    socket.off('timeout', onTimeout)
    signal.removeEventListener('abort', onAbort)
  }
  socket.setTimeout(0)
  return socket
}
