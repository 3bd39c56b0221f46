/**
 * Where a receiver keeps what it needs to resume an interrupted transfer: per key, an
 * append-only list of records (JSON-serialisable objects) that the engine writes and
 * reads back. The engine validates what it loads, so a damaged store costs a resume,
 * never a wrong file. Production keeps it in the data dir (apps/p2p-client/src/transfer-state).
 */
export interface ResumeStore {
  /** Every record appended under `key`, oldest first; [] when there are none. */
  load: (key: string) => Promise<unknown[]>
  /** Appends records in order. Must survive the process being killed once it resolves. */
  append: (key: string, records: unknown[]) => Promise<void>
  /** Forgets `key` (finished, cancelled, or not resumable). */
  remove: (key: string) => Promise<void>
}

/** A ResumeStore in memory, for tests: `records` shows what a restarted process would find. */
export function createMemoryResumeStore (): ResumeStore & { records: Map<string, unknown[]> } {
  const records = new Map<string, unknown[]>()
  return {
    records,
    async load (key) { return structuredClone(records.get(key) ?? []) },
    async append (key, added) { records.set(key, [...(records.get(key) ?? []), ...structuredClone(added)]) },
    async remove (key) { records.delete(key) }
  }
}
