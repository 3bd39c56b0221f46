import { mkdir, realpath, statfs, unlink, utimes } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { Logger } from 'pino'
import {
  AppError, DEFAULT_FLOW_WINDOW_BYTES, isAppError, toAppError, type ErrorCode, type FileResultMessage, type OfferMessage, type ResumePoint,
  type TransferFrame
} from '@p2pft/protocol'
import type { ByteStream } from './byte-stream.ts'
import {
  ACK_AT_ONCE_BYTES, FREE_SPACE_MARGIN_BYTES, MAX_DATE_MS, MAX_FILES_FINISHING, OPEN_AHEAD_FILES, PART_SUFFIX, REPLY_DELAY_MS
} from './constants.ts'
import { planDownload, removeEmptyDirs, restoreDownload, toAbsolute, type DownloadPlan } from './download-plan.ts'
import { createFileWriter, findPlacedFile, type FileWriter } from './file-writer.ts'
import { createFolderGuard } from './folder-guard.ts'
import { formatBytes } from './format-bytes.ts'
import { createFrameChannel, type FrameChannel } from './frame-channel.ts'
import { validateOffer, type IncomingOffer } from './offer-validator.ts'
import { toWireMessage } from './peer-error.ts'
import { createProgressMeter } from './progress-meter.ts'
import type { ReceiveSessions } from './receive-sessions.ts'
import {
  createResumeJournal, foldJournal, resumeKey, type PlanRecord, type ResumeJournal, type ResumeState
} from './resume-journal.ts'
import { hashOffer } from './transfer-id.ts'
import type { ResumeStore } from './resume-store.ts'
import { createEventSink, type TransferEvent } from './transfer-event.ts'

export type OfferDecision = { accept: true } | { accept: false, code: ErrorCode, message: string }

export interface DecideContext {
  /** Aborted if the transfer stops while the question is open (sender cancelled or vanished). */
  signal: AbortSignal
  /**
   * Set when the offer continues a transfer accepted earlier (same sender, same offer,
   * state found in `resumeStore`): the bytes already held. Callers usually accept it
   * without asking again.
   */
  resumedBytes?: number
}

export interface ReceiveTransferOptions {
  stream: ByteStream
  /** Created if missing. */
  downloadDir: string
  log: Logger
  /** Asked after the offer passed validation and the free-space check. */
  decide: (offer: IncomingOffer, context: DecideContext) => Promise<OfferDecision>
  onEvent?: (event: TransferEvent) => void
  signal?: AbortSignal
  /** Free bytes for `dir`. @default fs.promises.statfs: bavail × bsize */
  freeBytes?: (dir: string) => Promise<number>
  /** fsync each file before giving it its final name. @default true */
  syncFiles?: boolean
  /**
   * Keeps what is needed to resume after an interruption (needs `senderPeerId`). Without
   * it nothing is resumable: any failure removes the unfinished `.part`.
   */
  resumeStore?: ResumeStore
  /** The authenticated sender: a transfer only resumes from the sender that started it. */
  senderPeerId?: string
  /** Stops a stale stream of the same transfer when its sender reconnects. */
  sessions?: ReceiveSessions
  /** On a cancel (either side), keep the partial data for a later resume instead of removing it. @default false */
  keepPartialOnCancel?: boolean
}

export interface ReceiveResult {
  transferId: string
  files: number
  bytes: number
  durationMs: number
  /** The download folder (absolute). */
  savedTo: string
  /** Absolute path where each offered entry was saved, in offer order (files may carry a ` (n)` suffix). */
  savedPaths: string[]
  /** Bytes already held from an earlier, interrupted exchange (0 when nothing was resumed). */
  resumedBytes: number
}

/** Failures after which the state was kept: sending again (same transferId) continues. */
const keptForResume = new WeakSet<AppError>()

/** True when `receiveTransfer` failed with `err` but kept what it had, so the same offer resumes. */
export function isResumable (err: unknown): boolean {
  return err instanceof AppError && keptForResume.has(err)
}

/**
 * Codes after which a transfer is worth resuming: the network or the disk, not a decision,
 * a broken rule or a changed source (whose next offer has another transferId anyway).
 */
const NOT_RESUMABLE = new Set<ErrorCode>([
  'TRANSFER_DECLINED', 'TRANSFER_CANCELLED', 'TRANSFER_SOURCE_CHANGED', 'TRANSFER_SOURCE_NOT_FOUND',
  'PROTOCOL_INVALID_MESSAGE', 'PROTOCOL_MESSAGE_TOO_LARGE', 'PROTOCOL_UNEXPECTED_MESSAGE', 'INTERNAL_ERROR'
])

async function statfsFreeBytes (dir: string): Promise<number> {
  const stats = await statfs(dir)
  return stats.bavail * stats.bsize
}

function unexpected (frame: TransferFrame, when: string): AppError {
  return new AppError('PROTOCOL_UNEXPECTED_MESSAGE', `the sender sent ${frame.kind} ${when}`)
}

/** The download folder's real path, created if missing. */
async function openDownloadDir (downloadDir: string): Promise<string> {
  try {
    await mkdir(downloadDir, { recursive: true })
    return await realpath(downloadDir)
  } catch (err) {
    // The message goes to the sender too: it names no local path.
    throw new AppError('TRANSFER_WRITE_FAILED', 'the receiver cannot use its download folder', { cause: err })
  }
}

/** Says no to the offer, closes our side, and returns the error for `receiveTransfer` to reject with. */
async function decline (channel: FrameChannel, err: AppError): Promise<AppError> {
  await channel.send({ kind: 'offer-response', message: { accepted: false, code: err.code, message: toWireMessage(err.message) } })
  await channel.finish()
  return err
}

/** The offer message checked, else declined with the rule's code. */
async function checkOffer (channel: FrameChannel, message: OfferMessage): Promise<IncomingOffer> {
  try {
    return validateOffer(message)
  } catch (err) {
    if (isAppError(err)) throw await decline(channel, err)
    throw err
  }
}

/** Declines unless the disk has room for what is still to come (all of it, less what a resume already holds). */
async function checkFreeSpace (channel: FrameChannel, offer: IncomingOffer, heldBytes: number, downloadDir: string, freeBytes: (dir: string) => Promise<number>, log: Logger): Promise<void> {
  let free: number
  try {
    free = await freeBytes(downloadDir)
  } catch (err) {
    // Some file systems cannot say; a full disk is still caught (ENOSPC) while writing.
    log.warn({ err }, 'could not check free space')
    return
  }
  const neededBytes = Math.max(0, offer.totalBytes - heldBytes)
  if (free < neededBytes + FREE_SPACE_MARGIN_BYTES) {
    throw await decline(channel, new AppError('TRANSFER_NO_SPACE',
      `not enough free space on the receiver's disk: the transfer needs ${formatBytes(neededBytes)}, ${formatBytes(free)} is free`))
  }
}

/**
 * Asks `decide` while watching the stream: if the sender aborts, vanishes, or sends
 * anything before our answer (a chunk before accept), the question is dropped.
 * Returns the decision and the pending read, which carries the first frame after it.
 */
async function askWhileWatching (channel: FrameChannel, offer: IncomingOffer, decide: ReceiveTransferOptions['decide'], resumedBytes: number | undefined): Promise<{ decision: OfferDecision, next: Promise<TransferFrame> }> {
  const next = channel.read()
  next.catch(() => {})
  const early = next.then(frame => { throw unexpected(frame, 'before the offer was answered') })
  early.catch(() => {})
  const context: DecideContext = resumedBytes === undefined ? { signal: channel.signal } : { signal: channel.signal, resumedBytes }
  const decision = await Promise.race([decide(offer, context), early])
  return { decision, next }
}

/** Chunks of a file of `size` bytes. */
function chunkCount (size: number, chunkSizeBytes: number): number {
  return Math.ceil(size / chunkSizeBytes)
}

/** Bytes a resume state holds of this offer: files in place, plus verified chunks of the others. */
function heldBytes (state: ResumeState, offer: IncomingOffer, chunkSizeBytes: number): number {
  let held = 0
  for (const [fileIndex, file] of state.files) {
    const size = offer.entries[fileIndex]?.size ?? 0
    held += file.placed !== undefined ? size : Math.min(size, file.chunkHashes.length * chunkSizeBytes)
  }
  return held
}

/** Loads the state saved for this transfer if it is for this very offer; a stale one is removed. */
async function loadResumeState (store: ResumeStore, key: string, expected: Pick<PlanRecord, 'senderPeerId' | 'offerHash' | 'root'>, entryCount: number, log: Logger): Promise<ResumeState | undefined> {
  let state: ResumeState | undefined
  try {
    state = foldJournal(await store.load(key))
  } catch (err) {
    log.warn({ err }, 'could not read resume state; starting afresh')
    return undefined
  }
  if (state === undefined) return undefined
  const { plan } = state
  if (plan.senderPeerId === expected.senderPeerId && plan.offerHash === expected.offerHash && plan.root === expected.root && plan.targets.length === entryCount) {
    return state
  }
  log.info('saved state is for another offer; starting afresh')
  await discardState(state, log)
  await store.remove(key).catch((err: unknown) => { log.warn({ err }, 'could not remove stale resume state') })
  return undefined
}

/** Removes the `.part` files and empty folders a saved state left behind (files in place stay). */
export async function discardState (state: ResumeState, log: Logger): Promise<void> {
  for (const [fileIndex, file] of state.files) {
    const target = state.plan.targets[fileIndex]
    if (file.placed !== undefined || file.partName === undefined || target === undefined) continue
    await removePart(state.plan.root, target.relativeDir, file.partName, log)
  }
  await removeEmptyDirs({ log }, state.plan.createdDirs)
}

/** Removes a `.part` file a journal names (only a name of ours, and only inside its folder). */
async function removePart (root: string, relativeDir: string, partName: string, log: Logger): Promise<void> {
  if (!partName.endsWith(PART_SUFFIX)) return
  try {
    await unlink(toAbsolute(toAbsolute(root, relativeDir), basename(partName)))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err }, 'could not remove a .part file')
  }
}

/**
 * Receives one transfer from `stream` into `downloadDir`: validates the offer, checks
 * free space, asks `decide`, then saves each file through a verified `.part`. Resolves
 * once every file is verified and in place.
 *
 * With a `resumeStore`, the transfer's state (plan, `.part` names, verified chunk hashes,
 * files in place) is journaled as it goes; an offer of the same transfer from the same
 * sender later continues from there (`offer-response.resume`), after re-reading each
 * kept chunk against its hash. On failure or cancel it tells the sender; then, if the
 * failure is resumable (network, disk; see `isResumable`), it keeps the `.part` and the
 * state, else it removes this transfer's `.part` and the folders it created that are
 * still empty (completed files stay), and rejects with the AppError.
 */
export async function receiveTransfer (options: ReceiveTransferOptions): Promise<ReceiveResult> {
  const startedMs = performance.now()
  const baseLog = options.log.child({ component: 'transfer-receiver' })
  let log = baseLog
  const emit = createEventSink(baseLog, options.onEvent)
  const channel = createFrameChannel({ stream: options.stream, log: baseLog }, { signal: options.signal })
  let plan: DownloadPlan | undefined
  let writer: FileWriter | undefined
  /**
   * Files whose last chunk arrived, being verified, synced and renamed while the next ones
   * stream in (so no file waits for the previous one's fsync); a failed one stays here.
   */
  const finishing = new Map<number, { writer: FileWriter, settled: Promise<void> }>()
  /** Writers being opened for the files after the current one, by position among the files still to come. */
  const openingAhead = new Map<number, Promise<FileWriter>>()
  let journal: ResumeJournal | undefined
  let resume: ResumeState | undefined
  let release: (() => void) | undefined
  /** Set while acks or file results wait to go out together. */
  let replyTimer: NodeJS.Timeout | undefined
  const downloadDir = resolve(options.downloadDir)
  try {
    const root = await openDownloadDir(downloadDir)

    const first = await channel.read()
    if (first.kind !== 'offer') throw unexpected(first, 'instead of an offer')
    const transferId = first.message.transferId
    const chunkSizeBytes = first.message.chunkSizeBytes
    log = baseLog.child({ transferId })
    const offer = await checkOffer(channel, first.message)

    const { resumeStore, senderPeerId } = options
    if (resumeStore !== undefined && senderPeerId !== undefined) {
      const key = resumeKey(senderPeerId, transferId)
      release = await options.sessions?.take(key, (err) => { channel.interrupt(err) })
      const expected = { senderPeerId, offerHash: hashOffer(first.message), root }
      resume = await loadResumeState(resumeStore, key, expected, offer.entries.length, log)
      journal = createResumeJournal({ store: resumeStore, key, log })
    }
    const resumedBytes = resume === undefined ? 0 : heldBytes(resume, offer, chunkSizeBytes)
    await checkFreeSpace(channel, offer, resumedBytes, root, options.freeBytes ?? statfsFreeBytes, log)
    log.info({ files: offer.fileCount, entries: offer.entries.length, bytes: offer.totalBytes, resumedBytes: resume === undefined ? undefined : resumedBytes }, 'offer received')

    const { decision, next } = await askWhileWatching(channel, offer, options.decide, resume === undefined ? undefined : resumedBytes)
    if (!decision.accept) {
      log.info({ code: decision.code }, 'offer declined')
      throw await decline(channel, new AppError(decision.code, decision.message))
    }
    try {
      plan = resume !== undefined
        ? await restoreDownload({ log }, { root, plan: { targets: resume.plan.targets, createdDirs: resume.plan.createdDirs } })
        : await planDownload({ log }, { root, entries: offer.entries })
    } catch (err) {
      if (isAppError(err)) throw await decline(channel, err)
      throw err
    }
    if (journal !== undefined && resume === undefined && senderPeerId !== undefined) {
      // The plan is stored before any byte is, so every .part can be found again.
      journal.add({ type: 'plan', version: 1, senderPeerId, offerHash: hashOffer(first.message), root, targets: plan.targets, createdDirs: plan.createdDirs })
      await journal.flush()
    }

    const { targets } = plan
    const savedPaths = targets.map(target => toAbsolute(downloadDir, target.relativePath))
    const activeJournal = journal
    const folders = createFolderGuard(root)
    // Chunks on disk are acknowledged, so the sender keeps only a window in flight. Acks
    // and file results wait up to REPLY_DELAY_MS to go out together: one stream write per
    // small file cost more CPU than the file. A write failure interrupts the channel itself.
    let ackedBytes = 0
    let sentAckBytes = 0
    let results: FileResultMessage[] = []
    const sendReplies = (): void => {
      clearTimeout(replyTimer)
      replyTimer = undefined
      if (ackedBytes > sentAckBytes) {
        sentAckBytes = ackedBytes
        channel.send({ kind: 'chunk-ack', message: { bytes: ackedBytes } }).catch(() => {})
      }
      for (const message of results) channel.send({ kind: 'file-result', message }).catch(() => {})
      results = []
    }
    const replySoon = (): void => {
      if (ackedBytes - sentAckBytes >= ACK_AT_ONCE_BYTES) sendReplies()
      else replyTimer ??= setTimeout(sendReplies, REPLY_DELAY_MS)
    }
    const onChunkWritten = (fileIndex: number, hash: Uint8Array, sizeBytes: number): void => {
      activeJournal?.addChunk(fileIndex, hash)
      ackedBytes += sizeBytes
      replySoon()
    }
    const openWriter = async (fileIndex: number, partial?: { partName: string, chunkHashes: Uint8Array[] }): Promise<FileWriter> => {
      const entry = offer.entries[fileIndex]
      const target = targets[fileIndex]
      if (entry === undefined || target === undefined) throw new AppError('INTERNAL_ERROR', `no plan for entry ${fileIndex}`)
      const opened = await createFileWriter({ log }, {
        root,
        folders,
        dir: toAbsolute(root, target.relativeDir),
        relativeDir: target.relativeDir,
        name: target.name,
        entry,
        chunkSizeBytes,
        sync: options.syncFiles,
        resume: partial,
        onChunkWritten: (_chunkIndex, hash, sizeBytes) => { onChunkWritten(fileIndex, hash, sizeBytes) },
        onPlacing: activeJournal === undefined ? undefined : async (blake3) => {
          activeJournal.add({ type: 'placing', fileIndex, blake3 })
          await activeJournal.flush()
        }
      })
      if (opened.partName !== partial?.partName) activeJournal?.add({ type: 'part', fileIndex, partName: opened.partName })
      return opened
    }

    // What a resume already holds: files in place (not always a prefix of the offer: files
    // finish in parallel), and the verified prefix of the first file not in place.
    const completed = new Set<number>()
    const resumePoints: ResumePoint[] = []
    const fileIndexes = offer.entries.flatMap((entry, index) => entry.kind === 'file' ? [index] : [])
    if (resume !== undefined) {
      let pastFirstPending = false
      for (const fileIndex of fileIndexes) {
        const file = resume.files.get(fileIndex)
        const entry = offer.entries[fileIndex]
        const target = targets[fileIndex]
        if (file === undefined || entry === undefined || target === undefined) {
          pastFirstPending = true
          continue
        }
        let placed = file.placed
        if (placed === undefined && file.placingBlake3 !== undefined) {
          // Stopped between the rename and its record: look for the file by its hash.
          const name = await findPlacedFile(toAbsolute(root, target.relativeDir), target.name, file.placingBlake3)
          if (name !== undefined) {
            placed = { path: target.relativeDir === '' ? name : `${target.relativeDir}/${name}`, blake3: file.placingBlake3 }
            journal?.add({ type: 'placed', fileIndex, ...placed })
          }
        }
        if (placed !== undefined) {
          completed.add(fileIndex)
          savedPaths[fileIndex] = toAbsolute(downloadDir, placed.path)
          resumePoints.push({ fileIndex, verifiedChunks: chunkCount(entry.size, chunkSizeBytes), complete: true, blake3: placed.blake3 })
          continue
        }
        if (file.partName !== undefined && !pastFirstPending) {
          writer = await openWriter(fileIndex, { partName: file.partName, chunkHashes: file.chunkHashes })
          if (writer.verifiedChunks > 0) resumePoints.push({ fileIndex, verifiedChunks: writer.verifiedChunks, blake3: writer.prefixBlake3() })
        } else if (file.partName !== undefined) {
          // A later file that was still finishing: it comes again whole.
          await removePart(root, target.relativeDir, file.partName, log)
          journal?.add({ type: 'reset', fileIndex })
        }
        pastFirstPending = true
      }
    }
    const pendingFiles = fileIndexes.filter(fileIndex => !completed.has(fileIndex))
    const startBytes = resumePoints.reduce((sum, point) => sum + (point.complete === true
      ? offer.entries[point.fileIndex]?.size ?? 0
      : point.verifiedChunks * chunkSizeBytes), 0)

    const flowWindowBytes = DEFAULT_FLOW_WINDOW_BYTES
    await channel.send({ kind: 'offer-response', message: resume === undefined ? { accepted: true, flowWindowBytes } : { accepted: true, flowWindowBytes, resume: resumePoints } })
    log.info({ resumedBytes: resume === undefined ? undefined : startBytes }, resume === undefined ? 'offer accepted' : 'offer accepted as a resume')

    const meter = createProgressMeter({ transferId, direction: 'receive', totalBytes: offer.totalBytes, onProgress: emit, startBytes })
    let received = 0
    /** Position (in `pendingFiles`) of the next file whose `.part` is created ahead; a resumed first file is already open. */
    let nextToOpen = writer === undefined ? 0 : 1
    /**
     * The writer of the file at `position`, opening the next few files' `.part` meanwhile:
     * each open is a disk round trip that would otherwise hold up reading the next frame.
     * A resume removes `.part` files created ahead of the file it continues.
     */
    const takeWriter = async (position: number): Promise<FileWriter> => {
      const opening = openingAhead.get(position) ?? openWriter(pendingFiles[position] ?? -1)
      openingAhead.delete(position)
      nextToOpen = Math.max(nextToOpen, position + 1)
      while (nextToOpen < pendingFiles.length && nextToOpen <= position + OPEN_AHEAD_FILES) {
        const ahead = openWriter(pendingFiles[nextToOpen] ?? -1)
        // Awaited when its file comes (or on the way out); until then a failure is not "unhandled".
        ahead.catch(() => {})
        openingAhead.set(nextToOpen++, ahead)
      }
      return await opening
    }
    /** Where the last finishing file stands: each reports after the one before, so events and results keep the offer's order. */
    let lastFinished: Promise<void> = Promise.resolve()
    /** Verifies, syncs and renames a file whose last chunk arrived, then (after `previous`) tells the sender. */
    const finishFile = async (fileIndex: number, ended: FileWriter, blake3: string, previous: Promise<void>): Promise<void> => {
      let saved
      try {
        saved = await ended.finish(blake3)
      } catch (err) {
        // A whole file that fails its hash is dropped, so a resume fetches all of it again.
        if (isAppError(err, 'TRANSFER_HASH_MISMATCH')) {
          await ended.discard()
          journal?.add({ type: 'reset', fileIndex })
        }
        throw err
      }
      savedPaths[fileIndex] = toAbsolute(downloadDir, saved.path)
      journal?.add({ type: 'placed', fileIndex, path: saved.path, blake3: saved.blake3 })
      journal?.checkpoint()
      await previous
      log.debug({ fileIndex, size: saved.size }, 'file verified')
      emit({ event: 'file-complete', transferId, path: saved.path, size: saved.size, blake3: saved.blake3 })
      results.push({ fileIndex, ok: true, blake3: saved.blake3 })
      replySoon()
    }
    for (let frame = await next; ; frame = await channel.read()) {
      const expected = pendingFiles[received]
      if (frame.kind === 'chunk') {
        if (frame.fileIndex !== expected) throw unexpected(frame, `for entry ${frame.fileIndex} where entry ${expected ?? 'none'} was expected`)
        writer ??= await takeWriter(received)
        await writer.write(frame.chunkIndex, frame.blake3, frame.data, frame.release)
        meter.add(frame.data.byteLength)
        journal?.checkpoint()
      } else if (frame.kind === 'file-end') {
        const { fileIndex } = frame.message
        if (fileIndex !== expected) throw unexpected(frame, `for entry ${fileIndex} where entry ${expected ?? 'none'} was expected`)
        const ended = writer ?? await takeWriter(received)
        writer = undefined
        received++
        if (finishing.size >= MAX_FILES_FINISHING) await Promise.race([...finishing.values()].map(file => file.settled))
        // A failure stops the transfer through the channel (our next read rejects with it).
        const settled = finishFile(fileIndex, ended, frame.message.blake3, lastFinished).then(
          () => { finishing.delete(fileIndex) },
          (err: unknown) => { channel.interrupt(toAppError(err, 'INTERNAL_ERROR', 'a received file could not be saved')) })
        finishing.set(fileIndex, { writer: ended, settled })
        lastFinished = settled
      } else if (frame.kind === 'done') {
        if (expected !== undefined) throw unexpected(frame, `before entry ${expected} arrived`)
        await Promise.all([...finishing.values()].map(file => file.settled))
        channel.signal.throwIfAborted()
        await restoreFolderTimes(offer, plan, root, log)
        const files = completed.size + received
        sendReplies()
        await channel.send({ kind: 'complete', message: { ok: true, verifiedFiles: files } })
        await journal?.remove()
        journal = undefined
        await channel.finish()
        const durationMs = Math.round(performance.now() - startedMs)
        meter.complete()
        emit({ event: 'done', transferId, direction: 'receive', files, bytes: offer.totalBytes, durationMs, savedTo: downloadDir })
        log.info({ files, bytes: offer.totalBytes, resumedBytes: startBytes, ms: durationMs }, 'transfer received')
        release?.()
        return { transferId, files, bytes: offer.totalBytes, durationMs, savedTo: downloadDir, savedPaths, resumedBytes: startBytes }
      } else {
        throw unexpected(frame, 'during the transfer')
      }
    }
  } catch (err) {
    clearTimeout(replyTimer)
    const error = await channel.fail(err)
    await Promise.all([...finishing.values()].map(file => file.settled))
    const openedAhead = (await Promise.allSettled(openingAhead.values())).flatMap(opened => opened.status === 'fulfilled' ? [opened.value] : [])
    const owned = plan !== undefined || resume !== undefined
    const keep = journal !== undefined && owned &&
      (!NOT_RESUMABLE.has(error.code) || (error.code === 'TRANSFER_CANCELLED' && options.keepPartialOnCancel === true))
    if (keep) {
      await writer?.release()
      for (const file of finishing.values()) await file.writer.release()
      for (const opened of openedAhead) await opened.release()
      await journal?.flush()
      keptForResume.add(error)
      log.info({ code: error.code, err: error }, 'transfer interrupted; kept for resume')
    } else {
      await writer?.discard()
      for (const file of finishing.values()) await file.writer.discard()
      for (const opened of openedAhead) await opened.discard()
      if (resume !== undefined) await discardState(resume, log)
      if (plan !== undefined) await removeEmptyDirs({ log }, plan.createdDirs)
      if (owned) await journal?.remove()
      log.info({ code: error.code, err: error }, 'transfer not received')
    }
    release?.()
    throw error
  }
}

/** Folders get the sender's mtimes last, since saving files into them changed theirs. */
async function restoreFolderTimes (offer: IncomingOffer, plan: DownloadPlan, root: string, log: Logger): Promise<void> {
  for (const [index, entry] of offer.entries.entries()) {
    const target = plan.targets[index]
    if (entry.kind !== 'directory' || target === undefined || !(Math.abs(entry.mtimeMs) <= MAX_DATE_MS)) continue
    try {
      await utimes(toAbsolute(root, target.relativePath), new Date(), new Date(entry.mtimeMs))
    } catch (err) {
      log.warn({ err, path: entry.path }, 'could not restore a folder time')
    }
  }
}
