import { randomBytes } from 'node:crypto'
import { createServer, isIPv6, type Server, type Socket } from 'node:net'
import type { Logger } from 'pino'
import { LANE_MAGIC, LANE_SECRET_BYTES, LANE_TICKET_BYTES, type LaneResponse } from '@p2pft/protocol'
import { LANE_HELLO_TIMEOUT_MS, LANE_TICKET_TTL_MS, MAX_LANE_TICKETS } from './constants.ts'
import { deriveLaneKeys } from './lane-keys.ts'
import { createSealedSocketStream, type SealedSocketStream } from './sealed-socket-stream.ts'

const MAGIC = Buffer.from(LANE_MAGIC, 'latin1')
const HELLO_BYTES = MAGIC.byteLength + LANE_TICKET_BYTES

/** Who a ticket was issued to; handed back with the lane that presents it. */
export interface LaneTicketHolder<Context> {
  /** The ticket's libp2p peer, authenticated when the ticket was asked for. */
  peerId: string
  context: Context
}

export interface LaneServerDeps<Context> {
  log: Logger
  /** Called with each lane that presented a valid ticket, its ready record already sent. */
  onLane: (stream: SealedSocketStream, holder: LaneTicketHolder<Context>) => void
}

export interface LaneServerOptions {
  /** Addresses to listen on, e.g. `0.0.0.0` (the hosts of the libp2p TCP listen addresses). */
  hosts: string[]
}

export interface LaneServer<Context> {
  /**
   * A one-use ticket for a lane reachable over the IP family of `remoteIp` (the peer's
   * address on the libp2p connection the request came on); undefined when we listen on no
   * such family.
   */
  issue: (holder: LaneTicketHolder<Context>, remoteIp: string) => LaneResponse | undefined
  /** A one-use ticket and secret for a lane that comes over a socket we opened (to a lane relay, §4.9). */
  issueForRelay: (holder: LaneTicketHolder<Context>) => Pick<LaneResponse, 'ticket' | 'secret'>
  /** Takes a socket we opened as if it had connected to us: it must present a ticket issued here. */
  adopt: (socket: Socket) => void
  close: () => void
}

interface Listener {
  server: Server
  family: 4 | 6
  /** `::` also takes IPv4 connections on Linux (dual stack). */
  isDualStack: boolean
  port: number
}

interface Ticket<Context> {
  holder: LaneTicketHolder<Context>
  ticket: Buffer
  secret: Buffer
  expiresAtMs: number
}

/**
 * The receiving end of direct data lanes: a TCP listener per host that admits a
 * connection only with a ticket issued here (over the peer's authenticated libp2p
 * connection) and seals it with that ticket's keys. Unknown tickets, wrong magic and
 * silence are closed without a word.
 */
export async function createLaneServer<Context> (deps: LaneServerDeps<Context>, options: LaneServerOptions): Promise<LaneServer<Context>> {
  const log = deps.log.child({ component: 'lane-server' })
  const tickets = new Map<string, Ticket<Context>>()
  const listeners: Listener[] = []

  const admit = (socket: Socket): void => {
    socket.setNoDelay(true)
    const timer = setTimeout(() => { socket.destroy() }, LANE_HELLO_TIMEOUT_MS)
    let received = Buffer.alloc(0)
    const onHello = (data: Buffer): void => {
      received = Buffer.concat([received, data])
      if (received.byteLength < HELLO_BYTES) return
      socket.off('data', onHello)
      clearTimeout(timer)
      const key = received.subarray(MAGIC.byteLength, HELLO_BYTES).toString('base64url')
      const ticket = tickets.get(key)
      tickets.delete(key)
      if (!received.subarray(0, MAGIC.byteLength).equals(MAGIC) || ticket === undefined || ticket.expiresAtMs < Date.now()) {
        log.debug({ remote: socket.remoteAddress }, 'lane connection without a valid ticket; closed')
        socket.destroy()
        return
      }
      const stream = createSealedSocketStream(socket, deriveLaneKeys(ticket.secret, ticket.ticket, 'receiver'), {
        initialBytes: received.subarray(HELLO_BYTES),
        sendReady: true
      })
      log.debug({ peerId: ticket.holder.peerId.slice(-8) }, 'lane opened')
      deps.onLane(stream, ticket.holder)
    }
    socket.on('data', onHello)
    socket.on('error', (err) => { log.debug({ err }, 'lane connection failed before its ticket') })
    socket.on('close', () => { clearTimeout(timer) })
  }

  try {
    for (const host of new Set(options.hosts)) {
      const server = createServer({ allowHalfOpen: true, noDelay: true }, admit)
      // One port for every host when it is free on each, so a peer sees one lane port.
      const port = listeners[0]?.port ?? 0
      try {
        await listen(server, host, port)
      } catch (err) {
        if (port === 0) throw err
        await listen(server, host, 0)
      }
      server.unref()
      server.on('error', (err) => { log.warn({ err, host }, 'lane listener failed') })
      const address = server.address()
      listeners.push({
        server,
        family: isIPv6(host) ? 6 : 4,
        isDualStack: host === '::',
        port: typeof address === 'object' && address !== null ? address.port : 0
      })
    }
  } catch (err) {
    for (const listener of listeners) listener.server.close()
    throw err
  }
  log.debug({ listeners: listeners.map(({ family, port }) => ({ family, port })) }, 'lane server listening')

  const pruneTickets = (nowMs: number): void => {
    for (const [key, ticket] of tickets) {
      if (ticket.expiresAtMs >= nowMs && tickets.size < MAX_LANE_TICKETS) break
      tickets.delete(key)
    }
  }

  const mint = (holder: LaneTicketHolder<Context>): Pick<LaneResponse, 'ticket' | 'secret'> => {
    const nowMs = Date.now()
    pruneTickets(nowMs)
    const ticket = randomBytes(LANE_TICKET_BYTES)
    const secret = randomBytes(LANE_SECRET_BYTES)
    // Map order is issue order, so pruning from the front drops the oldest.
    tickets.set(ticket.toString('base64url'), { holder, ticket, secret, expiresAtMs: nowMs + LANE_TICKET_TTL_MS })
    return { ticket: ticket.toString('base64url'), secret: secret.toString('base64url') }
  }

  return {
    issue (holder, remoteIp) {
      const family = isIPv6(remoteIp) && !remoteIp.startsWith('::ffff:') ? 6 : 4
      const listener = listeners.find(candidate => candidate.family === family) ?? listeners.find(candidate => candidate.isDualStack)
      if (listener === undefined) return undefined
      return { port: listener.port, ...mint(holder) }
    },
    issueForRelay: mint,
    adopt: admit,
    close () {
      tickets.clear()
      // Stops taking connections; lanes in use end with their transfers.
      for (const { server } of listeners) server.close()
    }
  }
}

async function listen (server: Server, host: string, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => { server.off('listening', onListening); reject(err) }
    const onListening = (): void => { server.off('error', onError); resolve() }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}
