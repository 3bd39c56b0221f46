import type { Connection, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import { LANE_PROTOCOL_ID, type LaneResponse } from '@p2pft/protocol'
import type { P2PNode } from '../p2p/create-p2p-node.ts'
import { connectSocket } from './connect-socket.ts'
import { LANE_REQUEST_TIMEOUT_MS } from './constants.ts'
import { ipOfMultiaddr, relayIpOfMultiaddr } from './ip-of-multiaddr.ts'
import { laneRelayHello } from './lane-relay-hello.ts'
import type { LaneServer } from './lane-server.ts'

export interface ServeLaneTicketsDeps {
  node: P2PNode
  lanes: LaneServer<Connection>
  log: Logger
  /** A blocked device gets no ticket: its stream is reset unread. */
  isBlocked: (peerId: string) => boolean
  /**
   * Whether the peer can reach our lane port the way it reached us: not through a port
   * our router maps for libp2p alone (UPnP), nor through a hole punched for that one socket.
   */
  canReachLanes: (connection: Connection) => boolean
  /**
   * A ticket for our signal server's lane relay and its port, for a peer that reached us through
   * that server's relay (§4.9). @default none: relayed transfers stay inside libp2p
   */
  laneRelay?: (timeoutMs: number) => Promise<{ ticket: string, port: number } | undefined>
}

/**
 * Answers `/p2pft/lane/1.0.0` with a one-use lane ticket for the asking peer. Over a direct
 * connection the peer connects to our lane listener. Over a relayed one it cannot, so we ask
 * our signal server for a lane relay ticket, connect to the relay ourselves (the relay's host,
 * as our relayed connection reached it) and take that socket as our end of the lane; the
 * peer joins it there. Anything that fails resets the stream: the sender goes on over the
 * libp2p connection at once.
 */
export async function serveLaneTickets (deps: ServeLaneTicketsDeps): Promise<void> {
  const log = deps.log.child({ component: 'lane-tickets' })

  const relayedLane = async (connection: Connection, peerId: string, signal: AbortSignal): Promise<LaneResponse | undefined> => {
    const relayHost = relayIpOfMultiaddr(connection.remoteAddr)
    if (relayHost === undefined || deps.laneRelay === undefined) return undefined
    const relay = await deps.laneRelay(LANE_REQUEST_TIMEOUT_MS)
    if (relay === undefined) return undefined
    const socket = await connectSocket(relayHost, relay.port, signal)
    const ticket = deps.lanes.issueForRelay({ peerId, context: connection })
    socket.write(laneRelayHello('holder', relay.ticket))
    deps.lanes.adopt(socket)
    return { port: relay.port, ...ticket, relayTicket: relay.ticket }
  }

  /** Writes a ticket and closes; false when there is none to give. */
  const answer = async (stream: Stream, connection: Connection): Promise<boolean> => {
    const peerId = connection.remotePeer.toString()
    if (deps.isBlocked(peerId)) return false
    const remoteIp = ipOfMultiaddr(connection.remoteAddr)
    const ticket = remoteIp === undefined
      ? await relayedLane(connection, peerId, AbortSignal.timeout(LANE_REQUEST_TIMEOUT_MS))
      : deps.canReachLanes(connection) ? deps.lanes.issue({ peerId, context: connection }, remoteIp) : undefined
    if (ticket === undefined) return false
    log.debug({ peerId: peerId.slice(-8), relayed: remoteIp === undefined }, 'lane ticket issued')
    stream.send(new TextEncoder().encode(JSON.stringify(ticket)))
    await stream.close().catch(() => {})
    return true
  }

  await deps.node.handle(LANE_PROTOCOL_ID, async (stream, connection) => {
    const answered = await answer(stream, connection).catch((err: unknown) => {
      log.debug({ err }, 'no lane for this peer')
      return false
    })
    // The sender goes on over the libp2p connection at once.
    if (!answered) stream.abort(new Error('no lane for this peer'))
  }, { runOnLimitedConnection: true })
}
