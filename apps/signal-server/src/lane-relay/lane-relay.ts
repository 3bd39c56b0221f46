import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import { AppError, LANE_RELAY_MAGIC, LANE_RELAY_ROLE_HOLDER, LANE_RELAY_ROLE_JOINER, LANE_RELAY_TICKET_BYTES, freeBuffer } from '@p2pft/protocol'
import type { Logger } from 'pino'
import { DEFAULT_RELAY_DATA_LIMIT_BYTES, DEFAULT_RELAY_DURATION_LIMIT_SECONDS, MAX_RELAY_DURATION_LIMIT_SECONDS } from '../relay/index.ts'
import { networkKeyOf } from '../presence/index.ts'
import {
  DEFAULT_LANE_RELAY_PORT, LANE_RELAY_HELLO_TIMEOUT_MS, LANE_RELAY_TICKET_TTL_MS, MAX_LANE_RELAY_SPLICES, MAX_LANE_RELAY_TICKETS_PER_PEER,
  MAX_LANE_RELAY_UNGREETED, MAX_LANE_RELAY_UNGREETED_PER_IP
} from './constants.ts'
import { shortId } from '../short-id.ts'

export interface LaneRelayDeps {
  log: Logger
}

export interface LaneRelayOptions {
  /** Address to listen on (e.g. '0.0.0.0' or '127.0.0.1'). */
  host: string
  /**
   * TCP port; 0 picks a free one.
   * @default DEFAULT_LANE_RELAY_PORT (8789)
   */
  port?: number
  /**
   * Bytes one splice may carry, both directions together.
   * @default DEFAULT_RELAY_DATA_LIMIT_BYTES
   */
  dataLimitBytes?: number
  /**
   * Seconds one splice may stay open.
   * @default DEFAULT_RELAY_DURATION_LIMIT_SECONDS
   */
  durationLimitSeconds?: number
  /**
   * Splices (paired) plus tickets waiting, at once, in total.
   * @default MAX_LANE_RELAY_SPLICES (256)
   */
  maxSplices?: number
  /**
   * Unused tickets plus open splices one peer may hold.
   * @default MAX_LANE_RELAY_TICKETS_PER_PEER (8)
   */
  maxPerPeer?: number
  /**
   * A ticket not presented by both ends within this is dropped (and a waiting end closed).
   * @default LANE_RELAY_TICKET_TTL_MS (15_000)
   */
  ticketTtlMs?: number
  /**
   * A connection that has not sent its whole hello within this is closed.
   * @default LANE_RELAY_HELLO_TIMEOUT_MS (5_000)
   */
  helloTimeoutMs?: number
  /**
   * Connections still owing their hello, in total and from one IPv4 address or IPv6 /64; more are closed at once.
   * @default MAX_LANE_RELAY_UNGREETED (1,024) and MAX_LANE_RELAY_UNGREETED_PER_IP (32)
   */
  maxUngreeted?: number
  maxUngreetedPerIp?: number
}

export interface LaneRelay {
  /** The port it listens on. */
  readonly port: number
  /** A one-use ticket (LANE_RELAY_TICKET_BYTES random bytes, unpadded base64url) for `peerId`, or undefined when a limit is reached. */
  issue: (peerId: string) => string | undefined
  /** Splices running now (both ends connected). */
  readonly activeSplices: number
  /** Stops listening and destroys every connection, waiting or spliced. Safe to call twice. */
  close: () => Promise<void>
}

const MAGIC = Buffer.from(LANE_RELAY_MAGIC, 'latin1')
/** A hello is the magic, one role byte, then the raw ticket. */
const HELLO_BYTES = MAGIC.length + 1 + LANE_RELAY_TICKET_BYTES

type LaneRole = 'holder' | 'joiner'

/** A connection that has sent a valid hello. */
interface HelloedEnd {
  socket: Socket
  /** Bytes that came in the same packets as the hello (the joiner's lane handshake), owed to the other end first. */
  rest: Buffer
}

/** A ticket issued and not yet presented by both ends. */
interface PendingTicket {
  peerId: string
  /** The end that presented it first, waiting (paused) for the other role. */
  waiting: Partial<Record<LaneRole, HelloedEnd>>
  expiryTimer: NodeJS.Timeout
}

type ParsedHello = { role: LaneRole, ticket: string } | { refusal: string }

interface SpliceLimits {
  dataLimitBytes: number
  durationLimitMs: number
}

/**
 * A plain TCP listener that splices two peers' outgoing connections together, for peers
 * that cannot reach each other directly. Their bytes are sealed end to end, so it only
 * forwards them, never reads them. Tickets from `issue` say which two connections belong
 * together; both ends present one in a 30-byte hello before anything else.
 */
export async function createLaneRelay (deps: LaneRelayDeps, options: LaneRelayOptions): Promise<LaneRelay> {
  const log = deps.log.child({ component: 'lane-relay' })
  const port = options.port ?? DEFAULT_LANE_RELAY_PORT
  const maxSplices = options.maxSplices ?? MAX_LANE_RELAY_SPLICES
  const maxPerPeer = options.maxPerPeer ?? MAX_LANE_RELAY_TICKETS_PER_PEER
  const ticketTtlMs = options.ticketTtlMs ?? LANE_RELAY_TICKET_TTL_MS
  const helloTimeoutMs = options.helloTimeoutMs ?? LANE_RELAY_HELLO_TIMEOUT_MS
  const limits: SpliceLimits = {
    dataLimitBytes: options.dataLimitBytes ?? DEFAULT_RELAY_DATA_LIMIT_BYTES,
    // setTimeout fires at once past 2^31-1 ms, which would end every splice as it starts.
    durationLimitMs: Math.min(options.durationLimitSeconds ?? DEFAULT_RELAY_DURATION_LIMIT_SECONDS, MAX_RELAY_DURATION_LIMIT_SECONDS) * 1000
  }

  const tickets = new Map<string, PendingTicket>()
  /** Unused tickets plus open splices, per peer the tickets were issued to. */
  const heldByPeer = new Map<string, number>()
  /** Every open connection, in whatever phase, so close() can end them all. */
  const sockets = new Set<Socket>()
  /** Connections still owing their hello, per network (networkKeyOf their address). */
  const ungreetedByNetwork = new Map<string, number>()
  let ungreeted = 0
  const maxUngreeted = options.maxUngreeted ?? MAX_LANE_RELAY_UNGREETED
  const maxUngreetedPerIp = options.maxUngreetedPerIp ?? MAX_LANE_RELAY_UNGREETED_PER_IP
  let activeSplices = 0
  let closing: Promise<void> | undefined

  function release (peerId: string): void {
    const held = (heldByPeer.get(peerId) ?? 0) - 1
    if (held > 0) heldByPeer.set(peerId, held)
    else heldByPeer.delete(peerId)
  }

  function refuse (socket: Socket, reason: string): void {
    // Debug only: a flood of junk connections must not become a flood of log lines.
    log.debug({ ip: socket.remoteAddress, reason }, 'lane relay connection refused')
    socket.destroy()
  }

  function expire (ticket: string): void {
    const pending = tickets.get(ticket)
    if (pending == null) return
    tickets.delete(ticket)
    release(pending.peerId)
    for (const end of Object.values(pending.waiting)) end.socket.destroy()
    log.debug({ peer: shortId(pending.peerId) }, 'lane relay ticket expired')
  }

  function admit (socket: Socket, hello: Buffer, rest: Buffer): void {
    const parsed = parseHello(hello)
    if ('refusal' in parsed) return refuse(socket, parsed.refusal)
    const pending = tickets.get(parsed.ticket)
    if (pending == null) return refuse(socket, 'unknown ticket')
    if (pending.waiting[parsed.role] != null) return refuse(socket, 'role taken')
    const end: HelloedEnd = { socket, rest }
    const other = pending.waiting[parsed.role === 'holder' ? 'joiner' : 'holder']
    if (other == null) {
      pending.waiting[parsed.role] = end
      socket.once('close', () => {
        if (pending.waiting[parsed.role] === end) delete pending.waiting[parsed.role]
      })
      return
    }

    clearTimeout(pending.expiryTimer)
    tickets.delete(parsed.ticket)
    activeSplices += 1
    const peer = shortId(pending.peerId)
    log.debug({ peer }, 'lane relay splice started')
    spliceEnds(end, other, limits, (bytes, durationMs, reason) => {
      activeSplices -= 1
      release(pending.peerId)
      log.debug({ peer, bytes, durationMs, reason }, 'lane relay splice ended')
    })
  }

  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    // Resets and broken pipes are normal at this scale; 'close' follows and cleans up.
    socket.on('error', (err) => log.debug({ ip: socket.remoteAddress, err: err.message }, 'lane relay socket error'))
    const network = networkKeyOf(socket.remoteAddress ?? '')
    const fromNetwork = ungreetedByNetwork.get(network) ?? 0
    if (ungreeted >= maxUngreeted || fromNetwork >= maxUngreetedPerIp) return refuse(socket, 'too many connections without a hello')
    ungreeted += 1
    ungreetedByNetwork.set(network, fromNetwork + 1)
    let greeted = false
    const greet = (): void => {
      if (greeted) return
      greeted = true
      ungreeted -= 1
      const left = (ungreetedByNetwork.get(network) ?? 1) - 1
      if (left > 0) ungreetedByNetwork.set(network, left)
      else ungreetedByNetwork.delete(network)
    }
    socket.once('close', greet)
    readHello(socket, helloTimeoutMs, (hello, rest) => { greet(); admit(socket, hello, rest) }, reason => refuse(socket, reason))
  })
  try {
    server.listen(port, options.host)
    await once(server, 'listening')
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `lane relay could not listen on ${options.host}:${port}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  // Accept failures (e.g. out of file descriptors) must not crash the server; the listener keeps going.
  server.on('error', (err) => log.warn({ err: err.message }, 'lane relay could not accept a connection'))
  const address = server.address()
  const boundPort = typeof address === 'object' && address != null ? address.port : port
  log.info({ port: boundPort, maxSplices, maxPerPeer, dataLimitBytes: limits.dataLimitBytes, durationLimitMs: limits.durationLimitMs }, 'lane relay listening')

  return {
    port: boundPort,
    get activeSplices () { return activeSplices },

    issue (peerId) {
      if (closing != null) return undefined
      if (tickets.size + activeSplices >= maxSplices) return undefined
      const held = heldByPeer.get(peerId) ?? 0
      if (held >= maxPerPeer) return undefined
      const ticket = randomBytes(LANE_RELAY_TICKET_BYTES).toString('base64url')
      // One timer per ticket drops it on time, and closes an end still waiting on it; at most maxSplices exist.
      const expiryTimer = setTimeout(() => expire(ticket), ticketTtlMs).unref()
      tickets.set(ticket, { peerId, waiting: {}, expiryTimer })
      heldByPeer.set(peerId, held + 1)
      return ticket
    },

    async close () {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const pending of tickets.values()) clearTimeout(pending.expiryTimer)
        tickets.clear()
        heldByPeer.clear()
        for (const socket of sockets) socket.destroy()
      })
      await closing
    }
  }
}

/**
 * Collects the first HELLO_BYTES, then pauses the socket (so nothing more is read from it
 * until it is spliced) and hands over the hello and whatever came after it. A socket that
 * stays silent past `timeoutMs`, or half-closes before its whole hello (the listener keeps
 * half-open sockets for splices), fails with the reason.
 */
function readHello (socket: Socket, timeoutMs: number, onHello: (hello: Buffer, rest: Buffer) => void, onFail: (reason: string) => void): void {
  let received = Buffer.alloc(0)
  const timer = setTimeout(() => onFail('hello timeout'), timeoutMs)
  const onEnd = (): void => {
    clearTimeout(timer)
    onFail('closed before its hello')
  }
  const onData = (chunk: Buffer): void => {
    received = Buffer.concat([received, chunk])
    if (received.length < HELLO_BYTES) return
    clearTimeout(timer)
    socket.off('data', onData)
    socket.off('end', onEnd)
    socket.pause()
    onHello(received.subarray(0, HELLO_BYTES), received.subarray(HELLO_BYTES))
  }
  socket.on('data', onData)
  socket.once('end', onEnd)
  socket.once('close', () => clearTimeout(timer))
}

function parseHello (hello: Buffer): ParsedHello {
  if (!hello.subarray(0, MAGIC.length).equals(MAGIC)) return { refusal: 'wrong magic' }
  const roleByte = hello[MAGIC.length]
  const role = roleByte === LANE_RELAY_ROLE_HOLDER ? 'holder' : roleByte === LANE_RELAY_ROLE_JOINER ? 'joiner' : undefined
  if (role == null) return { refusal: 'bad role' }
  return { role, ticket: hello.subarray(MAGIC.length + 1).toString('base64url') }
}

/**
 * Forwards bytes both ways, unchanged, until both ends are closed; `onClosed` then runs once.
 * A FIN is passed on and the other direction keeps going; an error, an abrupt close or a
 * limit destroys both ends.
 */
function spliceEnds (a: HelloedEnd, b: HelloedEnd, limits: SpliceLimits, onClosed: (bytes: number, durationMs: number, reason: string) => void): void {
  const startedAtMs = Date.now()
  let bytes = 0
  let openSockets = 2
  let reason = 'finished'
  const destroyBoth = (why: string): void => {
    if (reason === 'finished') reason = why
    a.socket.destroy()
    b.socket.destroy()
  }
  const durationTimer = setTimeout(() => destroyBoth('duration limit'), limits.durationLimitMs).unref()

  const forward = (from: HelloedEnd, to: Socket): void => {
    const send = (chunk: Buffer): void => {
      bytes += chunk.length
      if (bytes > limits.dataLimitBytes) return destroyBoth('data limit')
      // Freed once the kernel has it, not at V8's next collection: a splice reads a new buffer
      // every 64 KiB, and leaving them to V8 kept its marking threads busy (a relayed GiB cost
      // the server 3.6–3.8 CPU s, 1.2 freeing them, and the transfer ran 274 → 464 MB/s).
      if (!to.write(chunk, () => { freeBuffer(chunk) })) {
        from.socket.pause()
        to.once('drain', () => from.socket.resume())
      }
    }
    if (from.rest.length > 0) send(from.rest)
    from.socket.on('data', send)
    from.socket.on('end', () => to.end())
    // Its FIN may have come while it waited for the other end: 'end' has fired already, unheard.
    if (from.socket.readableEnded) to.end()
    else if (!to.writableNeedDrain) from.socket.resume()
  }

  const onClose = (socket: Socket): void => {
    // Once both directions have finished, the other end closes by itself after flushing; anything else is an abort.
    if (!(socket.readableEnded && socket.writableFinished)) destroyBoth('closed by one end')
    openSockets -= 1
    if (openSockets > 0) return
    clearTimeout(durationTimer)
    onClosed(bytes, Date.now() - startedAtMs, reason)
  }

  for (const { socket } of [a, b]) {
    socket.setNoDelay(true)
    socket.once('close', () => onClose(socket))
  }
  forward(a, b.socket)
  forward(b, a.socket)
}

