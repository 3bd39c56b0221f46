import type { PrivateKey } from '@libp2p/interface'
import type { Logger } from 'pino'
import { AppError, formatPairingCode, parsePairingCode, PAIRING_SECRET_DIGITS } from '@p2pft/protocol'
import { randomInt } from 'node:crypto'
import { PAIRING_STEP_TIMEOUT_MS } from './constants.ts'
import { connectMailbox } from './mailbox-connection.ts'
import { runPairingExchange, type PairingResult } from './pairing-exchange.ts'

export interface PairDeviceDeps {
  privateKey: PrivateKey
  log: Logger
}

export interface PairDeviceOptions {
  server: string
  /** Our display name, sent (sealed) to the other device. */
  name: string
  signal?: AbortSignal
  /** @default PAIRING_STEP_TIMEOUT_MS */
  stepTimeoutMs?: number
}

/** A pairing waiting for the other device to type `code`. */
export interface OpenPairing {
  code: string
  expiresAtMs: number
  /** Settles once paired, or with a typed error (mismatch, expiry, cancel). */
  result: Promise<PairingResult>
}

const unexpected = (what: string): AppError => new AppError('PROTOCOL_UNEXPECTED_MESSAGE', `the pairing mailbox sent ${what}`)

/** "Pair a device": opens a mailbox, makes a code (the secret stays here) and waits for the other device. */
export async function openPairing (deps: PairDeviceDeps, options: PairDeviceOptions): Promise<OpenPairing> {
  const log = deps.log.child({ component: 'pairing' })
  const mailbox = await connectMailbox(options.server, options.signal)
  try {
    mailbox.send({ type: 'open' })
    const opened = await mailbox.next(PAIRING_STEP_TIMEOUT_MS, new AppError('SIGNAL_UNREACHABLE', 'the signal server did not open a pairing mailbox in time'))
    if (opened.type !== 'opened') throw unexpected(`"${opened.type}" instead of a nameplate`)
    const secret = String(randomInt(10 ** PAIRING_SECRET_DIGITS)).padStart(PAIRING_SECRET_DIGITS, '0')
    log.info({ nameplate: opened.nameplate }, 'pairing mailbox opened')
    const result = (async () => {
      try {
        // The mailbox expires the wait by itself (PAIRING_TIMEOUT); this timeout only covers a silent server.
        const connected = await mailbox.next(opened.expiresInMs + PAIRING_STEP_TIMEOUT_MS, new AppError('PAIRING_TIMEOUT', 'nobody entered the code in time'))
        if (connected.type !== 'connected') throw unexpected(`"${connected.type}" instead of the other device`)
        return await runPairingExchange(mailbox, {
          role: 'opener', secret, nameplate: opened.nameplate, sessionId: connected.sessionId,
          privateKey: deps.privateKey, name: options.name, stepTimeoutMs: options.stepTimeoutMs ?? PAIRING_STEP_TIMEOUT_MS
        })
      } finally {
        mailbox.close()
      }
    })()
    // Callers may attach later; an unobserved rejection must not crash the process meanwhile.
    result.catch(() => {})
    return { code: formatPairingCode({ nameplate: opened.nameplate, secret }), expiresAtMs: Date.now() + opened.expiresInMs, result }
  } catch (err) {
    mailbox.close()
    throw err
  }
}

/** "Enter code": joins the other device's mailbox with the code it shows. */
export async function joinPairing (deps: PairDeviceDeps, options: PairDeviceOptions & { code: string }): Promise<PairingResult> {
  const { nameplate, secret } = parsePairingCode(options.code)
  const mailbox = await connectMailbox(options.server, options.signal)
  try {
    mailbox.send({ type: 'join', nameplate })
    const connected = await mailbox.next(PAIRING_STEP_TIMEOUT_MS, new AppError('PAIRING_TIMEOUT', 'the signal server did not answer the code in time'))
    if (connected.type !== 'connected') throw unexpected(`"${connected.type}" instead of the other device`)
    return await runPairingExchange(mailbox, {
      role: 'joiner', secret, nameplate, sessionId: connected.sessionId,
      privateKey: deps.privateKey, name: options.name, stepTimeoutMs: options.stepTimeoutMs ?? PAIRING_STEP_TIMEOUT_MS
    })
  } finally {
    mailbox.close()
  }
}
