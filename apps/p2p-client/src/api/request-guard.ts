import { timingSafeEqual } from 'node:crypto'
import type { ErrorCode } from '@p2pft/protocol'

export interface GuardedRequest {
  host: string | undefined
  origin: string | undefined
  /** From `Authorization: Bearer …` or `?token=`. */
  token: string | undefined
}

export interface GuardFailure {
  status: 401 | 403
  code: ErrorCode
  message: string
}

/** The names this server answers to; a page on any other name is someone else's (DNS rebinding). */
export function allowedHosts (port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`]
}

/**
 * Checks a request to the local API. Host and Origin first: another website (or a DNS
 * name rebound to 127.0.0.1) gets 403 even with the right token. Then the per-run token,
 * unless `needsToken` is false (the GUI's static files, which hold no secrets).
 */
export function checkLocalRequest (request: GuardedRequest, port: number, expectedToken: string, needsToken: boolean): GuardFailure | undefined {
  const hosts = allowedHosts(port)
  if (request.host === undefined || !hosts.includes(request.host.toLowerCase())) {
    return { status: 403, code: 'API_FORBIDDEN', message: 'this API answers only to 127.0.0.1 and localhost' }
  }
  if (request.origin !== undefined && !hosts.map(host => `http://${host}`).includes(request.origin.toLowerCase())) {
    return { status: 403, code: 'API_FORBIDDEN', message: 'requests from other websites are not allowed' }
  }
  if (!needsToken) return undefined
  if (request.token === undefined || request.token === '') {
    return { status: 401, code: 'API_UNAUTHORIZED', message: 'the API token is missing; open the URL the daemon printed' }
  }
  if (!isSameSecret(request.token, expectedToken)) {
    return { status: 401, code: 'API_UNAUTHORIZED', message: 'the API token is wrong (the daemon makes a new one each run); open the URL it printed' }
  }
  return undefined
}

/** The token of a request: Bearer header first, then the query parameter. */
export function tokenOf (authorization: string | undefined, queryToken: unknown): string | undefined {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i)
  if (match?.[1] !== undefined) return match[1]
  return typeof queryToken === 'string' ? queryToken : undefined
}

function isSameSecret (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
