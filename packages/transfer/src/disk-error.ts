import { AppError } from '@p2pft/protocol'

/**
 * Wraps a file-system error met while saving `path` (the offer's path: the message goes
 * to the sender too, so it never names the receiver's own folders).
 */
export function toDiskError (err: unknown, path: string, action: string): AppError {
  if (err instanceof AppError) return err
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('TRANSFER_NO_SPACE', `the receiver's disk is full (while ${action} ${path})`, { cause: err })
  }
  return new AppError('TRANSFER_WRITE_FAILED', `the receiver could not save ${path} (${action}: ${code ?? 'error'})`, { cause: err })
}
