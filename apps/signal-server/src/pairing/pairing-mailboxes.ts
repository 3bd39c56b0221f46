import { randomBytes, randomInt } from 'node:crypto'
import {
  AppError, MAX_PAIRING_BODIES_PER_SIDE, MAX_PAIRING_BODY_BYTES, PAIRING_MAILBOX_TTL_MS, PAIRING_NAMEPLATE_DIGITS,
  type PairingToClient
} from '@p2pft/protocol'
import { createTokenBucket, type TokenBucket } from '../presence/token-bucket.ts'
import {
  JOIN_BURST_PER_IP, JOINS_PER_SECOND_PER_IP, MAX_OPEN_MAILBOXES, MAX_OPEN_MAILBOXES_PER_IP, NAMEPLATE_ALLOCATION_TRIES
} from './constants.ts'

/** One side of a mailbox: how the mailbox talks to a socket. */
export interface MailboxSide {
  ip: string
  send: (message: PairingToClient) => void
  /** Ends the socket; `error` is sent first when given. */
  end: (error?: AppError) => void
}

export interface PairingMailboxesOptions {
  /** @default PAIRING_MAILBOX_TTL_MS */
  ttlMs?: number
  /** @default MAX_OPEN_MAILBOXES */
  maxOpen?: number
  /** @default MAX_OPEN_MAILBOXES_PER_IP */
  maxOpenPerIp?: number
  /** @default Date.now */
  now?: () => number
}

export interface PairingMailboxes {
  open: (side: MailboxSide) => void
  join: (side: MailboxSide, nameplate: string) => void
  /** Forwards a body from `side` to the other side of its mailbox. */
  forward: (side: MailboxSide, body: Record<string, unknown>) => void
  /** The socket of `side` closed: the other side is told and closed too. */
  leave: (side: MailboxSide) => void
  /** Mailboxes open right now (waiting or connected). */
  readonly size: number
  closeAll: () => void
}

interface Mailbox {
  nameplate: string
  sessionId: string
  opener: MailboxSide
  joiner: MailboxSide | undefined
  sent: Map<MailboxSide, number>
  timer: NodeJS.Timeout
}

/**
 * Magic-wormhole style mailboxes: the opener gets a short random nameplate, exactly one
 * joiner may use it (then it is burned: one guess at the code per nameplate), and the
 * mailbox forwards a few small opaque bodies between the two sockets until it expires.
 */
export function createPairingMailboxes (options: PairingMailboxesOptions = {}): PairingMailboxes {
  const ttlMs = options.ttlMs ?? PAIRING_MAILBOX_TTL_MS
  const maxOpen = options.maxOpen ?? MAX_OPEN_MAILBOXES
  const maxOpenPerIp = options.maxOpenPerIp ?? MAX_OPEN_MAILBOXES_PER_IP
  const now = options.now ?? Date.now
  /** Mailboxes still waiting for their joiner, by nameplate. */
  const waiting = new Map<string, Mailbox>()
  const bySide = new Map<MailboxSide, Mailbox>()
  const all = new Set<Mailbox>()
  const openPerIp = new Map<string, number>()
  const joinBuckets = new Map<string, TokenBucket>()

  const remove = (mailbox: Mailbox): void => {
    clearTimeout(mailbox.timer)
    all.delete(mailbox)
    if (waiting.get(mailbox.nameplate) === mailbox) waiting.delete(mailbox.nameplate)
    bySide.delete(mailbox.opener)
    if (mailbox.joiner !== undefined) bySide.delete(mailbox.joiner)
    const count = (openPerIp.get(mailbox.opener.ip) ?? 1) - 1
    if (count <= 0) openPerIp.delete(mailbox.opener.ip)
    else openPerIp.set(mailbox.opener.ip, count)
  }

  const allocateNameplate = (): string | undefined => {
    const limit = 10 ** PAIRING_NAMEPLATE_DIGITS
    for (let i = 0; i < NAMEPLATE_ALLOCATION_TRIES; i++) {
      // No leading zero, so a nameplate never looks shorter than it is.
      const nameplate = String(randomInt(limit / 10, limit))
      if (!waiting.has(nameplate)) return nameplate
    }
    return undefined
  }

  const mailboxOf = (side: MailboxSide): Mailbox | undefined => bySide.get(side)

  return {
    open (side) {
      if (bySide.has(side)) throw new AppError('PROTOCOL_UNEXPECTED_MESSAGE', 'this connection already has a mailbox')
      if (all.size >= maxOpen) throw new AppError('SIGNAL_RATE_LIMITED', 'the server has too many pairings open; try again in a minute')
      if ((openPerIp.get(side.ip) ?? 0) >= maxOpenPerIp) throw new AppError('SIGNAL_RATE_LIMITED', 'too many pairings are open from your network; finish or cancel one first')
      const nameplate = allocateNameplate()
      if (nameplate === undefined) throw new AppError('SIGNAL_RATE_LIMITED', 'the server has too many pairings open; try again in a minute')
      const mailbox: Mailbox = {
        nameplate,
        sessionId: randomBytes(16).toString('base64url'),
        opener: side,
        joiner: undefined,
        sent: new Map(),
        timer: setTimeout(() => {
          remove(mailbox)
          const expired = new AppError('PAIRING_TIMEOUT', 'the pairing code expired; start again')
          mailbox.opener.end(expired)
          mailbox.joiner?.end(expired)
        }, ttlMs)
      }
      mailbox.timer.unref()
      waiting.set(nameplate, mailbox)
      all.add(mailbox)
      bySide.set(side, mailbox)
      openPerIp.set(side.ip, (openPerIp.get(side.ip) ?? 0) + 1)
      side.send({ type: 'opened', nameplate, sessionId: mailbox.sessionId, expiresInMs: ttlMs })
    },
    join (side, nameplate) {
      if (bySide.has(side)) throw new AppError('PROTOCOL_UNEXPECTED_MESSAGE', 'this connection already has a mailbox')
      let bucket = joinBuckets.get(side.ip)
      if (bucket === undefined) {
        bucket = createTokenBucket({ ratePerSecond: JOINS_PER_SECOND_PER_IP, burst: JOIN_BURST_PER_IP, now })
        // Buckets are small; forgetting them when no mailbox is open keeps the map bounded by open mailboxes plus recent joiners.
        if (joinBuckets.size > maxOpen * 4) joinBuckets.clear()
        joinBuckets.set(side.ip, bucket)
      }
      if (!bucket.tryTake()) throw new AppError('SIGNAL_RATE_LIMITED', 'too many pairing codes tried from your network; wait a minute')
      const mailbox = waiting.get(nameplate)
      if (mailbox === undefined) throw new AppError('PAIRING_CODE_UNKNOWN', 'no device is waiting with this code: it expired, was already used, or is for another server')
      // Burned: nobody else can join this nameplate, so a wrong code costs the whole attempt.
      waiting.delete(nameplate)
      mailbox.joiner = side
      bySide.set(side, mailbox)
      mailbox.opener.send({ type: 'connected', sessionId: mailbox.sessionId })
      side.send({ type: 'connected', sessionId: mailbox.sessionId })
    },
    forward (side, body) {
      const mailbox = mailboxOf(side)
      const other = mailbox === undefined ? undefined : mailbox.opener === side ? mailbox.joiner : mailbox.opener
      if (mailbox === undefined || other === undefined) throw new AppError('PROTOCOL_UNEXPECTED_MESSAGE', 'nobody else is in this mailbox yet')
      const count = (mailbox.sent.get(side) ?? 0) + 1
      if (count > MAX_PAIRING_BODIES_PER_SIDE) throw new AppError('SIGNAL_RATE_LIMITED', 'too many pairing messages')
      if (Buffer.byteLength(JSON.stringify(body)) > MAX_PAIRING_BODY_BYTES) throw new AppError('SIGNAL_MESSAGE_TOO_LARGE', `a pairing message is limited to ${MAX_PAIRING_BODY_BYTES} bytes`)
      mailbox.sent.set(side, count)
      other.send({ type: 'message', body })
    },
    leave (side) {
      const mailbox = mailboxOf(side)
      if (mailbox === undefined) return
      remove(mailbox)
      const other = mailbox.opener === side ? mailbox.joiner : mailbox.opener
      if (other !== undefined) {
        other.send({ type: 'peer-left' })
        other.end()
      }
    },
    get size () { return all.size },
    closeAll () {
      for (const mailbox of [...all]) {
        remove(mailbox)
        mailbox.opener.end()
        mailbox.joiner?.end()
      }
    }
  }
}
