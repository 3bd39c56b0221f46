import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { findExecutable } from '../find-executable.ts'

const run = promisify(execFile)

/**
 * Writes every file's data still in the page cache to disk (`sync`), so a run does not pay for
 * the case before it: the pipes never sync, and their gigabyte would otherwise be flushed while
 * the next run writes. Skipped where there is no `sync` command.
 */
export async function flushDiskWrites (): Promise<void> {
  const sync = findExecutable('sync')
  if (sync !== undefined) await run(sync, [])
}
