import { mkdir, open, readFile, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { ResumeStore } from '@p2pft/transfer'

export interface FileResumeStoreOptions {
  /** Folder of the state files, e.g. `<dataDir>/transfers`; created (0700) when first needed. */
  dir: string
  log: Logger
}

/** Keys are made by the engine (hex); anything else is refused rather than used as a file name. */
const SAFE_KEY = /^[A-Za-z0-9_-]{1,128}$/

/**
 * The receiver's resume state on disk: one JSON-lines file per transfer, `<dir>/<key>.jsonl`,
 * only ever appended to (a checkpoint is one small write, never a rewrite) and kept open while
 * the transfer runs. A line torn by a crash ends the journal; the engine then resumes from
 * the record before it.
 */
export function createFileResumeStore (options: FileResumeStoreOptions): ResumeStore {
  const handles = new Map<string, Promise<FileHandle>>()
  const pathOf = (key: string): string => {
    if (!SAFE_KEY.test(key)) throw new Error(`invalid resume key ${JSON.stringify(key)}`)
    return join(options.dir, `${key}.jsonl`)
  }
  const closeHandle = async (key: string): Promise<void> => {
    const handle = handles.get(key)
    handles.delete(key)
    await (await handle?.catch(() => undefined))?.close().catch(() => {})
  }

  return {
    async load (key) {
      let text: string
      try {
        text = await readFile(pathOf(key), 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw err
      }
      const records: unknown[] = []
      for (const line of text.split('\n')) {
        if (line === '') continue
        try {
          records.push(JSON.parse(line))
        } catch {
          options.log.warn({ key, records: records.length }, 'resume state ends in a damaged line; using what precedes it')
          break
        }
      }
      return records
    },

    async append (key, records) {
      let handle = handles.get(key)
      if (handle === undefined) {
        handle = mkdir(options.dir, { recursive: true, mode: 0o700 }).then(async () => await open(pathOf(key), 'a', 0o600))
        handles.set(key, handle)
      }
      await (await handle).write(records.map(record => JSON.stringify(record) + '\n').join(''))
    },

    async remove (key) {
      await closeHandle(key)
      try {
        await unlink(pathOf(key))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
    }
  }
}
