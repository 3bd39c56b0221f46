import type { Logger } from 'pino'
import { foldJournal } from './resume-journal.ts'
import type { ResumeStore } from './resume-store.ts'
import { discardState } from './transfer-receiver.ts'

/**
 * Forgets a transfer nobody will resume (e.g. a stale journal pruned at start): its
 * `.part` files and the empty folders it created go with its state; placed files stay.
 */
export async function discardResumeState (store: ResumeStore, key: string, log: Logger): Promise<void> {
  const state = foldJournal(await store.load(key))
  if (state !== undefined) await discardState(state, log)
  await store.remove(key)
}
