import { connect, type Socket } from 'node:net'
import { AppError } from '@p2pft/protocol'
import { PUNCH_ATTEMPT_TIMEOUT_MS, PUNCH_RETRY_JITTER_MS, PUNCH_RETRY_MIN_MS } from './constants.ts'

export interface PunchOptions {
  localPort: number
  remote: { ip: string, port: number }
  deadlineMs: number
  signal: AbortSignal
}

/** Errors that mean "not open yet, try again" while the other side is punching too. */
const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EADDRINUSE'])

/**
 * TCP simultaneous open: dials the peer's public mapping from the local port our own
 * mapping belongs to, again and again until both routers let the SYNs through or the
 * deadline passes. Resolves with a connected socket nobody has read from.
 */
export async function punchSocket (options: PunchOptions): Promise<Socket> {
  let lastError: unknown
  while (Date.now() < options.deadlineMs && !options.signal.aborted) {
    const attemptMs = Math.min(PUNCH_ATTEMPT_TIMEOUT_MS, options.deadlineMs - Date.now())
    try {
      return await connectOnce(options, attemptMs)
    } catch (err) {
      lastError = err
      const code = (err as NodeJS.ErrnoException).code ?? ''
      if (!RETRYABLE.has(code) && !(err instanceof AppError)) throw err
      await new Promise(resolve => setTimeout(resolve, PUNCH_RETRY_MIN_MS + Math.random() * PUNCH_RETRY_JITTER_MS))
    }
  }
  throw new AppError('TRANSFER_DIAL_FAILED', `no direct path through the routers (${(lastError as Error)?.message ?? 'deadline passed'})`, { cause: lastError })
}

async function connectOnce (options: PunchOptions, timeoutMs: number): Promise<Socket> {
  const socket = connect({ host: options.remote.ip, port: options.remote.port, localPort: options.localPort, noDelay: true })
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new AppError('TRANSFER_TIMEOUT', 'punch attempt timed out'))
    }, timeoutMs)
    socket.once('connect', () => { clearTimeout(timer); socket.removeAllListeners('error'); resolve(socket) })
    socket.once('error', (err) => { clearTimeout(timer); socket.destroy(); reject(err) })
  })
}
