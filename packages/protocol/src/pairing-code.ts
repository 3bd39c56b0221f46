import { AppError } from './app-error.ts'
import { PAIRING_NAMEPLATE_DIGITS, PAIRING_SECRET_DIGITS } from './pairing-constants.ts'

/** A pairing code split into what the server may see (nameplate) and what it must not (secret). */
export interface PairingCode {
  nameplate: string
  secret: string
}

const CODE_DIGITS = PAIRING_NAMEPLATE_DIGITS + PAIRING_SECRET_DIGITS

/** `417-392-881`: groups of three digits are easy to read out loud and to type. */
export function formatPairingCode (code: PairingCode): string {
  const digits = code.nameplate + code.secret
  return digits.match(/.{1,3}/g)?.join('-') ?? digits
}

/** Reads a code as people type it: spaces, dashes and dots between digits are ignored. */
export function parsePairingCode (text: string): PairingCode {
  const digits = text.replace(/[\s.-]/g, '')
  if (!new RegExp(`^[0-9]{${CODE_DIGITS}}$`).test(digits)) {
    throw new AppError('PAIRING_CODE_INVALID', `a pairing code has ${CODE_DIGITS} digits, like 417-392-881`)
  }
  return { nameplate: digits.slice(0, PAIRING_NAMEPLATE_DIGITS), secret: digits.slice(PAIRING_NAMEPLATE_DIGITS) }
}
