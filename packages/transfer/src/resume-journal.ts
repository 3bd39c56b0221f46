import type { Logger } from 'pino'
import { blake3 } from '@napi-rs/blake-hash'
import { BLAKE3_BYTES } from '@p2pft/protocol'
import type { DownloadTarget } from './download-plan.ts'
import type { ResumeStore } from './resume-store.ts'

/**
 * The receiver's resume state, kept as an append-only journal of small records so a
 * checkpoint costs one append, not a rewrite (10,000 files, or 20,000 chunk hashes of a
 * 20 GiB file, stay cheap). Records, in the order they happen:
 * - `plan`: once, at accept: who sends what (offer hash), where each entry lands.
 * - `part`: a file's `.part` was created, with its name.
 * - `chunks`: chunks of that file verified *and written*, their BLAKE3s (base64, concatenated).
 * - `placing`: the whole file verified (its hash); written before the rename, so a crash
 *   between rename and `placed` can still find the file.
 * - `placed`: the file is in place under `path`.
 * - `reset`: the file's partial data was dropped (it failed its whole-file hash).
 */

export interface PlanRecord {
  type: 'plan'
  version: 1
  senderPeerId: string
  offerHash: string
  /** Real path of the download folder the plan is for. */
  root: string
  targets: DownloadTarget[]
  createdDirs: string[]
}

type ResumeRecord =
  | PlanRecord
  | { type: 'part', fileIndex: number, partName: string }
  | { type: 'chunks', fileIndex: number, hashes: string }
  | { type: 'placing', fileIndex: number, blake3: string }
  | { type: 'placed', fileIndex: number, path: string, blake3: string }
  | { type: 'reset', fileIndex: number }

/** What the journal says about one file. */
export interface FileResumeState {
  partName?: string
  /** Hashes of the verified chunks on disk, in order. */
  chunkHashes: Buffer[]
  /** Whole-file hash recorded just before the rename. */
  placingBlake3?: string
  placed?: { path: string, blake3: string }
}

export interface ResumeState {
  plan: PlanRecord
  files: Map<number, FileResumeState>
}

/** The store key of one transfer: the same transferId from another sender is another transfer. */
export function resumeKey (senderPeerId: string, transferId: string): string {
  return blake3(Buffer.from(`${senderPeerId}/${transferId}`)).toString('hex').slice(0, 32)
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null
const isIndex = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0
const isString = (value: unknown): value is string => typeof value === 'string'

function isTarget (value: unknown): value is DownloadTarget {
  return isObject(value) && isString(value.relativePath) && isString(value.relativeDir) && isString(value.name)
}

function isPlan (value: Record<string, unknown>): value is Record<string, unknown> & PlanRecord {
  return value.version === 1 && isString(value.senderPeerId) && isString(value.offerHash) && isString(value.root) &&
    Array.isArray(value.targets) && value.targets.every(isTarget) &&
    Array.isArray(value.createdDirs) && value.createdDirs.every(isString)
}

/**
 * Folds loaded records into a state, or undefined when there is no usable plan. A
 * record that does not parse ends the journal there (a torn last append after a crash).
 */
export function foldJournal (records: unknown[]): ResumeState | undefined {
  const [first, ...rest] = records
  if (!isObject(first) || first.type !== 'plan' || !isPlan(first)) return undefined
  const files = new Map<number, FileResumeState>()
  const fileState = (fileIndex: number): FileResumeState => {
    let state = files.get(fileIndex)
    if (state === undefined) files.set(fileIndex, state = { chunkHashes: [] })
    return state
  }
  for (const record of rest) {
    if (!isObject(record) || !isIndex(record.fileIndex) || record.fileIndex >= first.targets.length) break
    const state = fileState(record.fileIndex)
    if (record.type === 'part' && isString(record.partName)) {
      files.set(record.fileIndex, { partName: record.partName, chunkHashes: [] })
    } else if (record.type === 'chunks' && isString(record.hashes)) {
      const bytes = Buffer.from(record.hashes, 'base64')
      if (bytes.byteLength % BLAKE3_BYTES !== 0) break
      for (let offset = 0; offset < bytes.byteLength; offset += BLAKE3_BYTES) state.chunkHashes.push(bytes.subarray(offset, offset + BLAKE3_BYTES))
    } else if (record.type === 'placing' && isString(record.blake3)) {
      state.placingBlake3 = record.blake3
    } else if (record.type === 'placed' && isString(record.path) && isString(record.blake3)) {
      state.placed = { path: record.path, blake3: record.blake3 }
    } else if (record.type === 'reset') {
      files.set(record.fileIndex, { chunkHashes: [] })
    } else {
      break
    }
  }
  return { plan: first, files }
}

export interface ResumeJournal {
  /** Queues a record; written at the next checkpoint or flush. */
  add: (record: ResumeRecord) => void
  /** Queues a verified, written chunk's hash. */
  addChunk: (fileIndex: number, hash: Uint8Array) => void
  /** Starts writing what is queued, unless a write is under way (it then takes it too). */
  checkpoint: () => void
  /** Writes everything queued now; resolves once it is stored. */
  flush: () => Promise<void>
  /** Forgets the transfer. */
  remove: () => Promise<void>
}

export interface ResumeJournalOptions {
  store: ResumeStore
  key: string
  log: Logger
}

/**
 * Feeds records to the store, one append at a time: what queues up while an append runs
 * goes in the next one. So the journal trails the disk by about one append (a few chunks
 * at most), which is what a crash costs, and a fast store is never flooded.
 */
export function createResumeJournal (options: ResumeJournalOptions): ResumeJournal {
  const { store, key, log } = options
  let queued: ResumeRecord[] = []
  let chunkFile: number | undefined
  let chunkHashes: Buffer[] = []
  let writing: Promise<void> | undefined
  let failed = false

  const takeChunks = (): void => {
    if (chunkFile === undefined || chunkHashes.length === 0) return
    queued.push({ type: 'chunks', fileIndex: chunkFile, hashes: Buffer.concat(chunkHashes).toString('base64') })
    chunkHashes = []
  }

  const hasQueued = (): boolean => {
    takeChunks()
    return queued.length > 0 && !failed
  }

  /** Appends until nothing is queued; called with something queued, so it awaits before it can end. */
  const writeQueued = async (): Promise<void> => {
    try {
      do {
        const records = queued
        queued = []
        try {
          await store.append(key, records)
        } catch (err) {
          // Resume state is a convenience: losing it costs a re-send, not the transfer.
          failed = true
          log.warn({ err }, 'could not save resume state; this transfer will not be resumable')
        }
      } while (hasQueued())
    } finally {
      // In the same turn as the last look at the queue: a record queued after it starts a new
      // write, and one queued before it is in this one, so awaiting `writing` is a whole flush.
      writing = undefined
    }
  }

  /** The write under way (which takes whatever is queued before it ends) or a new one. */
  const startWriting = (): Promise<void> => {
    if (writing === undefined && hasQueued()) writing = writeQueued()
    return writing ?? Promise.resolve()
  }

  return {
    add (record) {
      takeChunks()
      queued.push(record)
    },
    addChunk (fileIndex, hash) {
      if (chunkFile !== fileIndex) takeChunks()
      chunkFile = fileIndex
      chunkHashes.push(Buffer.from(hash))
    },
    checkpoint () {
      void startWriting()
    },
    async flush () {
      await startWriting()
    },
    async remove () {
      queued = []
      chunkHashes = []
      failed = true
      await writing
      await store.remove(key).catch((err: unknown) => { log.warn({ err }, 'could not remove resume state') })
    }
  }
}
