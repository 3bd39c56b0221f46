import type { ErrorCode } from '@p2pft/protocol'

/** HTTP status of each code an API request can fail with; anything else is 400, INTERNAL_ERROR 500. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  API_UNAUTHORIZED: 401,
  API_FORBIDDEN: 403,
  API_NOT_FOUND: 404,
  TRANSFER_PEER_NOT_FOUND: 404,
  TRUST_DEVICE_NOT_FOUND: 404,
  PAIRING_CODE_UNKNOWN: 404,
  PAIRING_CODE_MISMATCH: 409,
  SIGNAL_UNREACHABLE: 502,
  SIGNAL_RATE_LIMITED: 429,
  API_DIALOG_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500
}

export function httpStatusFor (code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 400
}
