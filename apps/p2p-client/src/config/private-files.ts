import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs'

/** Group or other may read, write or enter: too loose for keys, trust lists and history. */
const LOOSE_BITS = 0o077

/**
 * Creates `dir` (and parents) as 0700, and tightens it if it already existed with looser
 * bits: the data dir holds the identity key, the trust store and the history.
 */
export function makePrivateDir (dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (process.platform === 'win32') return
  if ((statSync(dir).mode & LOOSE_BITS) !== 0) chmodSync(dir, 0o700)
}

/**
 * Creates `path` empty as 0600 when missing, and tightens an existing file (e.g. copied
 * from a backup) to 0600, so a library that creates files with the umask (SQLite) never does.
 */
export function makePrivateFile (path: string): void {
  closeSync(openSync(path, 'a', 0o600))
  if (process.platform === 'win32') return
  if ((statSync(path).mode & LOOSE_BITS) !== 0) chmodSync(path, 0o600)
}
