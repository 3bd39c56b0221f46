import { AppError, isErrorCode, type ErrorCode } from '@p2pft/protocol'
import { MAX_WIRE_MESSAGE_LENGTH } from './constants.ts'

/** C0 and C1 control characters: a peer's text must not drive the terminal it is printed on. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g

/**
 * Turns a code and message a peer sent (abort, declined offer, failed file) into our
 * AppError. A code we do not know (a newer peer) becomes `fallback`, and the peer's word
 * is kept in the message, so the user still sees why. The message is stripped of
 * control characters, since the protocol's schema does not refuse them.
 */
export function toPeerError (code: string | undefined, message: string | undefined, fallback: ErrorCode): AppError {
  const text = (message ?? '').replace(CONTROL_CHARACTERS, ' ').trim()
  if (code !== undefined && isErrorCode(code)) {
    return new AppError(code, text === '' ? `the peer reported ${code}` : text)
  }
  const said = code === undefined ? '' : ` (peer code ${code})`
  return new AppError(fallback, (text === '' ? 'the peer stopped the transfer' : text) + said)
}

/** A message short enough for the wire's ErrorMessageText, so the peer can decode it. */
export function toWireMessage (message: string): string {
  return message.length <= MAX_WIRE_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_WIRE_MESSAGE_LENGTH - 1)}…`
}
