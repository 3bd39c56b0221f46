/**
 * Every error code the product can report. Codes are public API: never renamed or
 * reused. Each has a row in docs/errors.md saying what happened and what to do.
 */
export const ERROR_CODES = [
  // Protocol: bytes from a peer or server that do not follow the spec.
  'PROTOCOL_INVALID_MESSAGE',
  'PROTOCOL_MESSAGE_TOO_LARGE',
  'PROTOCOL_UNEXPECTED_MESSAGE',
  // Transfer: offers, data and files.
  'TRANSFER_DECLINED',
  'TRANSFER_INVALID_PATH',
  'TRANSFER_DUPLICATE_PATH',
  'TRANSFER_TOO_MANY_FILES',
  'TRANSFER_INVALID_SIZE',
  'TRANSFER_INVALID_CHUNK_SIZE',
  'TRANSFER_HASH_MISMATCH',
  'TRANSFER_SIZE_MISMATCH',
  'TRANSFER_CANCELLED',
  'TRANSFER_PEER_GONE',
  'TRANSFER_PEER_NOT_FOUND',
  'TRANSFER_DIAL_FAILED',
  'TRANSFER_NO_SPACE',
  'TRANSFER_WRITE_FAILED',
  'TRANSFER_READ_FAILED',
  'TRANSFER_SOURCE_NOT_FOUND',
  'TRANSFER_SOURCE_CHANGED',
  'TRANSFER_TIMEOUT',
  // Signal server.
  'SIGNAL_INVALID_MESSAGE',
  'SIGNAL_MESSAGE_TOO_LARGE',
  'SIGNAL_AUTH_FAILED',
  'SIGNAL_NOT_REGISTERED',
  'SIGNAL_PEER_NOT_FOUND',
  'SIGNAL_RATE_LIMITED',
  'SIGNAL_UNREACHABLE',
  'SIGNAL_UNSUPPORTED_VERSION',
  'SIGNAL_SESSION_REPLACED',
  // Client configuration and command line.
  'CLI_INVALID_ARGUMENTS',
  'CONFIG_INVALID',
  'IDENTITY_INVALID',
  'INTERNAL_ERROR',
  // Local API (the daemon's HTTP + WebSocket on 127.0.0.1, used by the GUI and the CLI).
  'API_UNAUTHORIZED',
  'API_FORBIDDEN',
  'API_INVALID_REQUEST',
  'API_NOT_FOUND',
  'API_DIALOG_UNAVAILABLE',
  'API_UPLOAD_FAILED',
  // Appended later (codes are never reordered).
  'TRANSFER_INTERRUPTED',
  // Pairing two devices with a short code, and the device trust list.
  'PAIRING_CODE_INVALID',
  'PAIRING_CODE_UNKNOWN',
  'PAIRING_CODE_MISMATCH',
  'PAIRING_PEER_LEFT',
  'PAIRING_TIMEOUT',
  'TRUST_DEVICE_NOT_FOUND',
  // Offers from unknown devices beyond the receiver's rate limit.
  'TRANSFER_RATE_LIMITED'
] as const

export type ErrorCode = typeof ERROR_CODES[number]

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES)

/** Narrows a code received from a peer; unknown codes are kept as text by callers. */
export function isErrorCode (value: string): value is ErrorCode {
  return KNOWN_CODES.has(value)
}
