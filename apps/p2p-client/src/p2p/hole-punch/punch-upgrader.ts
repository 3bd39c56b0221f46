import type { Socket } from 'node:net'
import type { ComponentLogger, Connection, Libp2pEvents, PeerId, TypedEventTarget, Upgrader } from '@libp2p/interface'
import { ipPortToMultiaddr } from '@libp2p/utils'
import { AppError } from '@p2pft/protocol'
import { PunchedSocketConnection } from './punched-socket-connection.ts'

export interface PunchUpgraderComponents {
  upgrader: Upgrader
  peerId: PeerId
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface PunchUpgrader {
  /** Runs the secure channel (TLS 1.3, or noise) + yamux on a punched socket; the result is an ordinary direct libp2p connection. */
  upgrade: (socket: Socket, remotePeer: PeerId, signal: AbortSignal) => Promise<Connection>
  /** True for connections this upgrader made, so users can be told "hole-punched". */
  isPunched: (connection: Connection) => boolean
}

/**
 * A libp2p service, because services receive the node's upgrader. Both sides of a
 * simultaneous open think they dialled, so the secure-channel roles (initiator, responder) come from comparing
 * PeerIds: two initiators fail, two responders deadlock (DESIGN.md).
 */
export function punchUpgrader (): (components: PunchUpgraderComponents) => PunchUpgrader {
  return (components) => {
    const punched = new WeakSet<Connection>()
    return {
      isPunched: connection => punched.has(connection),
      async upgrade (socket, remotePeer, signal) {
        const isInitiator = components.peerId.toString() < remotePeer.toString()
        const remoteIp = (socket.remoteAddress ?? '').replace(/^::ffff:/i, '')
        const remoteAddr = ipPortToMultiaddr(remoteIp, socket.remotePort ?? 0).encapsulate(`/p2p/${remotePeer.toString()}`)
        const maConn = new PunchedSocketConnection({
          socket,
          remoteAddr,
          direction: isInitiator ? 'outbound' : 'inbound',
          log: components.logger.forComponent('p2pft:hole-punch:connection')
        })
        let connection: Connection
        try {
          connection = isInitiator
            ? await components.upgrader.upgradeOutbound(maConn, { signal })
            : await upgradeAsResponder(components, maConn, remotePeer, signal, punched)
        } catch (err) {
          // The upgrader leaves a failed socket open: close it ourselves.
          socket.destroy()
          throw new AppError('TRANSFER_DIAL_FAILED', `the punched connection failed its handshake: ${(err as Error).message}`, { cause: err })
        }
        punched.add(connection)
        return connection
      }
    }
  }
}

/** upgradeInbound resolves with nothing; the connection arrives through 'connection:open' first. */
async function upgradeAsResponder (components: PunchUpgraderComponents, maConn: PunchedSocketConnection, remotePeer: PeerId, signal: AbortSignal, punched: WeakSet<Connection>): Promise<Connection> {
  const opened = Promise.withResolvers<Connection>()
  const onOpen = (event: CustomEvent<Connection>): void => {
    if (event.detail.remoteAddr.toString() !== maConn.remoteAddr.toString()) return
    // Tagged at once: the peer may open a stream before upgradeInbound resolves.
    punched.add(event.detail)
    opened.resolve(event.detail)
  }
  components.events.addEventListener('connection:open', onOpen)
  try {
    await components.upgrader.upgradeInbound(maConn, { signal })
    const connection = await opened.promise
    // The secure channel proved who is on the other end; it must be the peer we punched to.
    if (!connection.remotePeer.equals(remotePeer)) {
      await connection.close()
      throw new AppError('TRANSFER_DIAL_FAILED', 'the punched connection reached a different device')
    }
    return connection
  } finally {
    components.events.removeEventListener('connection:open', onOpen)
  }
}
