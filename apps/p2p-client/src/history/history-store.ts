import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { Logger } from 'pino'
import type { HistoryEntryView, HistoryResult } from '@p2pft/protocol'
import { AppError } from '@p2pft/protocol'
import { HISTORY_MAX_ENTRIES } from '../constants.ts'
import { runMigrations } from './run-migrations.ts'
import { makePrivateDir, makePrivateFile } from '../config/private-files.ts'

/** A finished transfer as the daemon records it. */
export interface HistoryRecord {
  id: string
  direction: 'send' | 'receive'
  peerId: string
  peerName: string
  names: string[]
  fileCount: number
  totalBytes: number
  startedAtMs: number
  durationMs: number
  result: HistoryResult
  errorCode?: string
  errorMessage?: string
  savedTo?: string
}

interface HistoryRow {
  id: string
  direction: 'send' | 'receive'
  peer_id: string
  peer_name: string
  names_json: string
  file_count: number
  total_bytes: number
  started_at_ms: number
  duration_ms: number
  result: HistoryResult
  error_code: string | null
  error_message: string | null
  saved_to: string | null
}

export interface HistoryStore {
  add: (record: HistoryRecord) => void
  /** Newest first. */
  list: (limit?: number) => HistoryRecord[]
  get: (id: string) => HistoryRecord | undefined
  clear: () => void
  close: () => void
}

export interface HistoryStoreDeps {
  /** The SQLite file, or ':memory:'. */
  path: string
  log: Logger
}

/** Transfer history in node:sqlite: one row per finished transfer, trimmed to the newest HISTORY_MAX_ENTRIES. */
export function createHistoryStore (deps: HistoryStoreDeps): HistoryStore {
  const log = deps.log.child({ component: 'history' })
  let db: DatabaseSync
  try {
    if (deps.path !== ':memory:') {
      makePrivateDir(dirname(deps.path))
      // SQLite creates files with the umask (often 0644); its -wal and -shm files copy the database's mode.
      makePrivateFile(deps.path)
    }
    db = new DatabaseSync(deps.path)
    db.exec('PRAGMA journal_mode = WAL')
    runMigrations(db)
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `cannot open the history database ${deps.path}: ${(err as Error).message}`, { cause: err })
  }
  const insert = db.prepare(`INSERT OR REPLACE INTO transfers
    (id, direction, peer_id, peer_name, names_json, file_count, total_bytes, started_at_ms, duration_ms, result, error_code, error_message, saved_to)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const trim = db.prepare('DELETE FROM transfers WHERE id NOT IN (SELECT id FROM transfers ORDER BY started_at_ms DESC LIMIT ?)')
  const select = db.prepare('SELECT * FROM transfers ORDER BY started_at_ms DESC LIMIT ?')
  const selectOne = db.prepare('SELECT * FROM transfers WHERE id = ?')

  return {
    add (record): void {
      insert.run(record.id, record.direction, record.peerId, record.peerName, JSON.stringify(record.names), record.fileCount,
        record.totalBytes, Math.round(record.startedAtMs), Math.round(record.durationMs), record.result,
        record.errorCode ?? null, record.errorMessage ?? null, record.savedTo ?? null)
      trim.run(HISTORY_MAX_ENTRIES)
      log.debug({ transferId: record.id, result: record.result }, 'history entry added')
    },
    list (limit = HISTORY_MAX_ENTRIES): HistoryRecord[] {
      return (select.all(limit) as unknown as HistoryRow[]).map(fromRow)
    },
    get (id): HistoryRecord | undefined {
      const row = selectOne.get(id) as unknown as HistoryRow | undefined
      return row === undefined ? undefined : fromRow(row)
    },
    clear (): void {
      db.exec('DELETE FROM transfers')
    },
    close (): void {
      if (db.isOpen) db.close()
    }
  }
}

function fromRow (row: HistoryRow): HistoryRecord {
  const names: unknown = JSON.parse(row.names_json)
  return {
    id: row.id,
    direction: row.direction,
    peerId: row.peer_id,
    peerName: row.peer_name,
    names: Array.isArray(names) ? names.map(String) : [],
    fileCount: row.file_count,
    totalBytes: row.total_bytes,
    startedAtMs: row.started_at_ms,
    durationMs: row.duration_ms,
    result: row.result,
    ...(row.error_code === null ? {} : { errorCode: row.error_code }),
    ...(row.error_message === null ? {} : { errorMessage: row.error_message }),
    ...(row.saved_to === null ? {} : { savedTo: row.saved_to })
  }
}

/** The API's view of a record: speed computed, error grouped. */
export function toHistoryEntryView (record: HistoryRecord): HistoryEntryView {
  return {
    id: record.id,
    direction: record.direction,
    peer: { peerId: record.peerId, name: record.peerName },
    names: record.names,
    fileCount: record.fileCount,
    totalBytes: record.totalBytes,
    startedAtMs: record.startedAtMs,
    durationMs: record.durationMs,
    bytesPerSecond: record.durationMs > 0 && record.result === 'completed' ? record.totalBytes / (record.durationMs / 1000) : 0,
    result: record.result,
    ...(record.errorCode === undefined ? {} : { error: { code: record.errorCode, message: record.errorMessage ?? '' } }),
    ...(record.savedTo === undefined ? {} : { savedTo: record.savedTo })
  }
}
