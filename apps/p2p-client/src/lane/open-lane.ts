import type { Connection } from '@libp2p/interface'
import type { Logger } from 'pino'
import { AppError, LANE_MAGIC, LANE_PROTOCOL_ID, MAX_LANE_RESPONSE_BYTES, laneResponseDecoder } from '@p2pft/protocol'
import { readJsonAnswer } from '../p2p/read-json-answer.ts'
import { connectSocket } from './connect-socket.ts'
import { LANE_READY_TIMEOUT_MS, LANE_REQUEST_TIMEOUT_MS } from './constants.ts'
import { ipOfMultiaddr, relayIpOfMultiaddr } from './ip-of-multiaddr.ts'
import { deriveLaneKeys } from './lane-keys.ts'
import { laneRelayHello } from './lane-relay-hello.ts'
import { createSealedSocketStream, type SealedSocketStream } from './sealed-socket-stream.ts'

/**
 * Opens a data lane to the peer of `connection`: asks it for a ticket over the connection,
 * connects a TCP socket (over a direct connection to the same address at the ticket's port;
 * over a relayed one to the relay's host at its lane relay's port, joining the relay ticket
 * the peer got there), presents the ticket and waits for the peer's ready record.
 * Rejects (TRANSFER_DIAL_FAILED, TRANSFER_TIMEOUT, PROTOCOL_*) when any step fails: the
 * caller then sends over the libp2p connection as before.
 */
export async function openLane (connection: Connection, log: Logger, signal: AbortSignal): Promise<SealedSocketStream> {
  // Over a relayed connection the lane goes to the relay's host (§4.9), else to the peer's.
  const relayHost = relayIpOfMultiaddr(connection.remoteAddr)
  const isRelayed = relayHost !== undefined
  const host = relayHost ?? ipOfMultiaddr(connection.remoteAddr)
  if (host === undefined) throw new AppError('TRANSFER_DIAL_FAILED', 'the connection has no IP address to open a lane to')
  const requestSignal = AbortSignal.any([signal, AbortSignal.timeout(LANE_REQUEST_TIMEOUT_MS)])
  const stream = await connection.newStream(LANE_PROTOCOL_ID, { signal: requestSignal, runOnLimitedConnection: true })
  const ticket = laneResponseDecoder.decodeJson(await readJsonAnswer(stream, {
    maxBytes: MAX_LANE_RESPONSE_BYTES,
    signal: requestSignal,
    timeoutError: () => new AppError('TRANSFER_TIMEOUT', 'the peer did not answer the lane request in time'),
    what: 'lane answer'
  }))
  const relayTicket = isRelayed ? ticket.relayTicket : undefined
  if (isRelayed && relayTicket === undefined) throw new AppError('PROTOCOL_INVALID_MESSAGE', 'the peer offered a lane on a relayed connection without a relay ticket')
  const socket = await connectSocket(host, ticket.port, signal)
  const ticketBytes = Buffer.from(ticket.ticket, 'base64url')
  const lane = createSealedSocketStream(socket, deriveLaneKeys(Buffer.from(ticket.secret, 'base64url'), ticketBytes, 'sender'))
  const laneHello = Buffer.concat([Buffer.from(LANE_MAGIC, 'latin1'), ticketBytes])
  // The relay forwards what follows its own hello to the receiver once both ends are there.
  socket.write(relayTicket === undefined ? laneHello : Buffer.concat([laneRelayHello('joiner', relayTicket), laneHello]))
  const timer = setTimeout(() => { lane.abort(new AppError('TRANSFER_TIMEOUT', 'the peer did not accept the lane in time')) }, LANE_READY_TIMEOUT_MS)
  const onAbort = (): void => { lane.abort(new AppError('TRANSFER_CANCELLED', 'the transfer was cancelled')) }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    await lane.ready
  } finally {
    clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
  }
  log.debug({ host, port: ticket.port, relayed: isRelayed }, 'lane open')
  return lane
}
