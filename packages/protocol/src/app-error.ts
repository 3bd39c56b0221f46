import type { ErrorCode } from './error-codes.ts'

/** The one error type of the product: a stable code, a sentence for people, and the cause. */
export class AppError extends Error {
  readonly code: ErrorCode

  constructor (code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AppError'
    this.code = code
  }
}

/** True for an AppError with one of the given codes (or any code when none are given). */
export function isAppError (err: unknown, ...codes: ErrorCode[]): err is AppError {
  return err instanceof AppError && (codes.length === 0 || codes.includes(err.code))
}

/** Wraps anything thrown into an AppError, keeping AppErrors as they are. */
export function toAppError (err: unknown, code: ErrorCode, message: string): AppError {
  if (err instanceof AppError) return err
  return new AppError(code, message, { cause: err })
}
