import { readdirSync, readFileSync } from 'node:fs'
import type { DatabaseSync } from 'node:sqlite'
import { AppError } from '@p2pft/protocol'

/** The folder of numbered `NNN-what.sql` files, applied in order. */
export const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url)

/**
 * Brings the schema up to date: applies every migration numbered above the database's
 * `user_version`, each in its own transaction, and records the new version.
 */
export function runMigrations (db: DatabaseSync, dir: URL = MIGRATIONS_DIR): number {
  const files = readdirSync(dir).filter(name => /^\d+-.+\.sql$/.test(name)).sort()
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)
  let version = current
  for (const file of files) {
    const number = Number.parseInt(file, 10)
    if (number <= version) continue
    if (number !== version + 1) throw new AppError('INTERNAL_ERROR', `migration ${file} skips a number after ${version}`)
    const sql = readFileSync(new URL(file, dir), 'utf8')
    db.exec('BEGIN')
    try {
      db.exec(sql)
      db.exec(`PRAGMA user_version = ${number}`)
      db.exec('COMMIT')
    } catch (err) {
      db.exec('ROLLBACK')
      throw new AppError('INTERNAL_ERROR', `history migration ${file} failed: ${(err as Error).message}`, { cause: err })
    }
    version = number
  }
  return version
}
