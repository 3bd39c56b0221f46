import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import Type, { type Static } from 'typebox'
import { PeerIdText, createSchemaDecoder } from '@p2pft/protocol'
import { writePrivateFile } from '../config/write-private-file.ts'
import { OUTGOING_TRANSFERS_FILE_NAME } from '../constants.ts'

/** A send that has not ended yet: enough to show it again after a restart and to resume it. */
const OutgoingTransfer = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  peer: Type.Object({ peerId: PeerIdText, name: Type.String({ maxLength: 256 }) }),
  names: Type.Array(Type.String()),
  /** What is sent: the paths given, or the staged copies of dropped files. */
  paths: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  fileCount: Type.Integer({ minimum: 0 }),
  totalBytes: Type.Integer({ minimum: 0 }),
  startedAtMs: Type.Number(),
  /** Dropped files: their staging folder, deleted when the transfer ends. */
  uploadDir: Type.Optional(Type.String())
})
export type OutgoingTransfer = Static<typeof OutgoingTransfer>

const OutgoingTransfersFile = Type.Object({ version: Type.Literal(1), transfers: Type.Array(OutgoingTransfer) })
const decoder = createSchemaDecoder(OutgoingTransfersFile, 'CONFIG_INVALID', 'outgoing transfers file')

export interface OutgoingTransfersStore {
  /** What was saved by the last run; [] when none (or the file is damaged: logged, then ignored). */
  load: () => Promise<OutgoingTransfer[]>
  put: (transfer: OutgoingTransfer) => Promise<void>
  remove: (id: string) => Promise<void>
  get: (id: string) => OutgoingTransfer | undefined
}

/**
 * The daemon's unfinished sends, in `<dataDir>/outgoing-transfers.json` (0600, written
 * atomically, one write at a time), so the Transfers list offers Resume after a restart.
 */
export function createOutgoingTransfersStore (deps: { log: Logger }, options: { dataDir: string }): OutgoingTransfersStore {
  const path = join(options.dataDir, OUTGOING_TRANSFERS_FILE_NAME)
  const transfers = new Map<string, OutgoingTransfer>()
  let writing: Promise<void> = Promise.resolve()

  const save = async (): Promise<void> => {
    const body = JSON.stringify({ version: 1, transfers: [...transfers.values()] }) + '\n'
    // Chained: two renames of the same temp file must not race.
    writing = writing.then(async () => {
      await mkdir(options.dataDir, { recursive: true, mode: 0o700 })
      await writePrivateFile(path, body)
    }).catch((err: unknown) => { deps.log.warn({ err }, 'could not save the list of outgoing transfers') })
    await writing
  }

  return {
    async load () {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') deps.log.warn({ err }, 'could not read the list of outgoing transfers')
        return []
      }
      try {
        for (const transfer of decoder.decodeJson(text).transfers) transfers.set(transfer.id, transfer)
      } catch (err) {
        deps.log.warn({ err }, 'the list of outgoing transfers is damaged; starting without it')
      }
      return [...transfers.values()]
    },
    async put (transfer) {
      transfers.set(transfer.id, transfer)
      await save()
    },
    async remove (id) {
      if (!transfers.delete(id)) return
      await save()
    },
    get: id => transfers.get(id)
  }
}
