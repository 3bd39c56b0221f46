import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { discardResumeState, type ResumeStore } from '@p2pft/transfer'

const JOURNAL_SUFFIX = '.jsonl'

/**
 * Drops resume state nobody came back for: journals in `dir` untouched for `maxAgeMs`,
 * with the `.part` files they name. Returns how many were pruned.
 */
export async function pruneStaleJournals (deps: { store: ResumeStore, log: Logger }, options: { dir: string, maxAgeMs: number, nowMs?: number }): Promise<number> {
  let names: string[]
  try {
    names = await readdir(options.dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw err
  }
  const cutoffMs = (options.nowMs ?? Date.now()) - options.maxAgeMs
  let pruned = 0
  for (const name of names) {
    if (!name.endsWith(JOURNAL_SUFFIX)) continue
    try {
      if ((await stat(join(options.dir, name))).mtimeMs >= cutoffMs) continue
      await discardResumeState(deps.store, name.slice(0, -JOURNAL_SUFFIX.length), deps.log)
      pruned++
    } catch (err) {
      deps.log.warn({ err, journal: name }, 'could not prune a stale resume journal')
    }
  }
  if (pruned > 0) deps.log.info({ pruned }, 'pruned stale resume journals')
  return pruned
}
