import { mkdir, realpath, statfs, utimes } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Logger } from 'pino'
import {
  AppError, isAppError, type ErrorCode, type OfferMessage, type TransferFrame
} from '@p2pft/protocol'
import type { ByteStream } from './byte-stream.ts'
import { FREE_SPACE_MARGIN_BYTES, MAX_DATE_MS } from './constants.ts'
import { planDownload, removeEmptyDirs, toAbsolute, type DownloadPlan } from './download-plan.ts'
import { createFileWriter, type FileWriter } from './file-writer.ts'
import { formatBytes } from './format-bytes.ts'
import { createFrameChannel, type FrameChannel } from './frame-channel.ts'
import { validateOffer, type IncomingOffer } from './offer-validator.ts'
import { toWireMessage } from './peer-error.ts'
import { createProgressMeter } from './progress-meter.ts'
import { createEventSink, type TransferEvent } from './transfer-event.ts'

export type OfferDecision = { accept: true } | { accept: false, code: ErrorCode, message: string }

export interface DecideContext {
  /** Aborted if the transfer stops while the question is open (sender cancelled or vanished). */
  signal: AbortSignal
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
}

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

/** The offer message checked and the free space confirmed, else declined with the reason. */
async function checkOffer (channel: FrameChannel, message: OfferMessage, downloadDir: string, freeBytes: (dir: string) => Promise<number>, log: Logger): Promise<IncomingOffer> {
  let offer: IncomingOffer
  try {
    offer = validateOffer(message)
  } catch (err) {
    if (isAppError(err)) throw await decline(channel, err)
    throw err
  }
  let free: number
  try {
    free = await freeBytes(downloadDir)
  } catch (err) {
    // Some file systems cannot say; a full disk is still caught (ENOSPC) while writing.
    log.warn({ err }, 'could not check free space')
    return offer
  }
  if (free < offer.totalBytes + FREE_SPACE_MARGIN_BYTES) {
    throw await decline(channel, new AppError('TRANSFER_NO_SPACE',
      `not enough free space on the receiver's disk: the transfer needs ${formatBytes(offer.totalBytes)}, ${formatBytes(free)} is free`))
  }
  return offer
}

/**
 * Asks `decide` while watching the stream: if the sender aborts, vanishes, or sends
 * anything before our answer (a chunk before accept), the question is dropped.
 * Returns the decision and the pending read, which carries the first frame after it.
 */
async function askWhileWatching (channel: FrameChannel, offer: IncomingOffer, decide: ReceiveTransferOptions['decide']): Promise<{ decision: OfferDecision, next: Promise<TransferFrame> }> {
  const next = channel.read()
  next.catch(() => {})
  const early = next.then(frame => { throw unexpected(frame, 'before the offer was answered') })
  early.catch(() => {})
  const decision = await Promise.race([decide(offer, { signal: channel.signal }), early])
  return { decision, next }
}

/**
 * Receives one transfer from `stream` into `downloadDir`: validates the offer, checks
 * free space, asks `decide`, then saves each file through a verified `.part`. Resolves
 * once every file is verified and in place. On failure or cancel it tells the sender,
 * removes this transfer's `.part` file and the folders it created that are still empty
 * (completed files stay), and rejects with the AppError.
 */
export async function receiveTransfer (options: ReceiveTransferOptions): Promise<ReceiveResult> {
  const startedMs = performance.now()
  const baseLog = options.log.child({ component: 'transfer-receiver' })
  let log = baseLog
  const emit = createEventSink(baseLog, options.onEvent)
  const channel = createFrameChannel({ stream: options.stream, log: baseLog }, { signal: options.signal })
  let plan: DownloadPlan | undefined
  let writer: FileWriter | undefined
  const downloadDir = resolve(options.downloadDir)
  try {
    const root = await openDownloadDir(downloadDir)

    const first = await channel.read()
    if (first.kind !== 'offer') throw unexpected(first, 'instead of an offer')
    const transferId = first.message.transferId
    log = baseLog.child({ transferId })
    const offer = await checkOffer(channel, first.message, root, options.freeBytes ?? statfsFreeBytes, log)
    log.info({ files: offer.fileCount, entries: offer.entries.length, bytes: offer.totalBytes }, 'offer received')

    const { decision, next } = await askWhileWatching(channel, offer, options.decide)
    if (!decision.accept) {
      log.info({ code: decision.code }, 'offer declined')
      throw await decline(channel, new AppError(decision.code, decision.message))
    }
    try {
      plan = await planDownload({ log }, { root, entries: offer.entries })
    } catch (err) {
      if (isAppError(err)) throw await decline(channel, err)
      throw err
    }
    await channel.send({ kind: 'offer-response', message: { accepted: true } })
    log.info('offer accepted')

    const { targets } = plan
    const meter = createProgressMeter({ transferId, direction: 'receive', totalBytes: offer.totalBytes, onProgress: emit })
    const savedPaths = targets.map(target => toAbsolute(downloadDir, target.relativePath))
    // Files arrive in offer order; folders were created by the plan and get no frames.
    const fileIndexes = offer.entries.flatMap((entry, index) => entry.kind === 'file' ? [index] : [])
    let received = 0
    const openWriter = async (fileIndex: number): Promise<FileWriter> => {
      const entry = offer.entries[fileIndex]
      const target = targets[fileIndex]
      if (entry === undefined || target === undefined) throw new AppError('INTERNAL_ERROR', `no plan for entry ${fileIndex}`)
      return await createFileWriter({ log }, {
        root,
        dir: toAbsolute(root, target.relativeDir),
        relativeDir: target.relativeDir,
        name: target.name,
        entry,
        chunkSizeBytes: first.message.chunkSizeBytes,
        sync: options.syncFiles
      })
    }

    for (let frame = await next; ; frame = await channel.read()) {
      const expected = fileIndexes[received]
      if (frame.kind === 'chunk') {
        if (frame.fileIndex !== expected) throw unexpected(frame, `for entry ${frame.fileIndex} where entry ${expected ?? 'none'} was expected`)
        writer ??= await openWriter(expected)
        await writer.write(frame.chunkIndex, frame.blake3, frame.data)
        meter.add(frame.data.byteLength)
      } else if (frame.kind === 'file-end') {
        const { fileIndex } = frame.message
        if (fileIndex !== expected) throw unexpected(frame, `for entry ${fileIndex} where entry ${expected ?? 'none'} was expected`)
        writer ??= await openWriter(expected)
        const saved = await writer.finish(frame.message.blake3)
        writer = undefined
        received++
        savedPaths[fileIndex] = toAbsolute(downloadDir, saved.path)
        log.debug({ fileIndex, size: saved.size }, 'file verified')
        emit({ event: 'file-complete', transferId, path: saved.path, size: saved.size, blake3: saved.blake3 })
        await channel.send({ kind: 'file-result', message: { fileIndex, ok: true, blake3: saved.blake3 } })
      } else if (frame.kind === 'done') {
        if (expected !== undefined) throw unexpected(frame, `before entry ${expected} arrived`)
        await restoreFolderTimes(offer, plan, root, log)
        await channel.send({ kind: 'complete', message: { ok: true, verifiedFiles: received } })
        await channel.finish()
        const durationMs = Math.round(performance.now() - startedMs)
        meter.complete()
        emit({ event: 'done', transferId, direction: 'receive', files: received, bytes: offer.totalBytes, durationMs, savedTo: downloadDir })
        log.info({ files: received, bytes: offer.totalBytes, ms: durationMs }, 'transfer received')
        return { transferId, files: received, bytes: offer.totalBytes, durationMs, savedTo: downloadDir, savedPaths }
      } else {
        throw unexpected(frame, 'during the transfer')
      }
    }
  } catch (err) {
    const error = await channel.fail(err)
    await writer?.discard()
    if (plan !== undefined) await removeEmptyDirs({ log }, plan.createdDirs)
    log.info({ code: error.code, err: error }, 'transfer not received')
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
