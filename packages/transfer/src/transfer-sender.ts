import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { blake3, Blake3Hasher } from '@napi-rs/blake-hash'
import {
  AppError, DEFAULT_CHUNK_SIZE_BYTES, offerDecoder, type ManifestEntry, type OfferMessage, type ResumePoint, type TransferFrame
} from '@p2pft/protocol'
import type { ByteStream } from './byte-stream.ts'
import { readChunks } from './chunk-reader.ts'
import { readFilesAhead, type FileToRead } from './read-files-ahead.ts'
import { createFrameChannel, type FrameChannel } from './frame-channel.ts'
import { buildManifest, type Manifest } from './manifest-builder.ts'
import { validateOffer } from './offer-validator.ts'
import { toPeerError } from './peer-error.ts'
import { createProgressMeter, type ProgressMeter } from './progress-meter.ts'
import { createEventSink, type TransferEvent } from './transfer-event.ts'
import { deriveTransferId } from './transfer-id.ts'

export interface SendTransferOptions {
  stream: ByteStream
  /** Absolute or cwd-relative paths of files and folders the user chose. */
  paths: string[]
  /**
   * What to offer, instead of building it from `paths`: files still arriving (dropped files
   * streamed to the daemon) are offered by their announced sizes. @default built from `paths`
   */
  manifest?: Manifest
  /** Reads a manifest source in chunks; for files still arriving, one that waits for their bytes. @default readChunks */
  readChunks?: ChunkSource
  senderName: string
  log: Logger
  onEvent?: (event: TransferEvent) => void
  /** Called once the receiver answered the offer with accept. */
  onAccepted?: () => void
  /** Called when the receiver declined the offer, with its reason (before `sendTransfer` rejects with it). */
  onDeclined?: (reason: AppError) => void
  signal?: AbortSignal
  /** @default DEFAULT_CHUNK_SIZE_BYTES */
  chunkSizeBytes?: number
  /** @default derived from `idSeed` and the manifest when given, else a random UUID without dashes */
  transferId?: string
  /**
   * Names this sender and receiver (e.g. both PeerIds): the transferId is then derived from
   * it and the manifest, so offering the same files again resumes where the last try stopped.
   */
  idSeed?: string
  /** Called with the transferId once it is known (before the offer is sent). */
  onTransferId?: (transferId: string) => void
}

/**
 * Yields the file `source` (offered as `entry`) in chunks of `chunkSizeBytes`, failing if it
 * is not what was offered. Each chunk in a buffer nothing else uses: the sender may free it once sent.
 */
export type ChunkSource = (source: string, entry: ManifestEntry, chunkSizeBytes: number) => AsyncIterable<Uint8Array>

export interface SendResult {
  transferId: string
  files: number
  bytes: number
  durationMs: number
  /** Bytes the receiver already held from an earlier try (not sent again). */
  resumedBytes: number
}

function unexpected (frame: TransferFrame, when: string): AppError {
  return new AppError('PROTOCOL_UNEXPECTED_MESSAGE', `the receiver sent ${frame.kind} ${when}`)
}

/** What the file pump tells the result reader, so results can be matched to what was sent. */
interface SendProgress {
  /** Whole-file BLAKE3 (hex) of each file whose file-end went out, by entry index. */
  sentHashes: Map<number, string>
  doneSent: boolean
}

/** Chunk bytes in flight, limited to the receiver's window once it acknowledges what is on its disk. */
interface FlowWindow {
  /** Waits until `bytes` more may be sent, then counts them as sent. */
  reserve: (bytes: number) => Promise<void>
  /** The receiver's running total of chunk bytes on disk. */
  acknowledge: (totalBytes: number) => void
}

function createFlowWindow (windowBytes: number | undefined, signal: AbortSignal): FlowWindow {
  let sent = 0
  let acked = 0
  let wake: (() => void) | undefined
  return {
    async reserve (bytes) {
      // `sent > acked`: a chunk bigger than the whole window still goes, alone.
      while (windowBytes !== undefined && sent > acked && sent - acked + bytes > windowBytes) {
        if (signal.aborted) throw signal.reason
        await new Promise<void>((resolve) => {
          const stop = (): void => { wake = undefined; resolve() }
          wake = () => { signal.removeEventListener('abort', stop); stop() }
          signal.addEventListener('abort', stop, { once: true })
        })
      }
      sent += bytes
    },
    acknowledge (totalBytes) {
      if (totalBytes > sent) throw new AppError('PROTOCOL_INVALID_MESSAGE', `the receiver acknowledged ${totalBytes} bytes of the ${sent} sent`)
      acked = Math.max(acked, totalBytes)
      wake?.()
    }
  }
}

/** The receiver's resume points, checked against the manifest; by file index. */
function readResumePoints (points: ResumePoint[] | undefined, manifest: Manifest, chunkSizeBytes: number): Map<number, ResumePoint> {
  const byFile = new Map<number, ResumePoint>()
  for (const point of points ?? []) {
    const entry = manifest.entries[point.fileIndex]
    if (entry?.kind !== 'file' || byFile.has(point.fileIndex) || point.verifiedChunks > Math.ceil(entry.size / chunkSizeBytes)) {
      throw new AppError('PROTOCOL_INVALID_MESSAGE', `the receiver offered to resume entry ${point.fileIndex}, which does not fit the offer`)
    }
    byFile.set(point.fileIndex, point)
  }
  return byFile
}

/**
 * Streams every file, one chunk at a time, without waiting for per-file verdicts: those
 * are read concurrently by `awaitVerdicts`, so many small files cost no round trips.
 * Files the receiver holds are skipped; of a partial file, the verified prefix is read
 * and hashed (for the whole-file hash, and to check it is what the receiver holds) but not sent.
 */
async function sendFiles (channel: FrameChannel, manifest: Manifest, read: ChunkSource, chunkSizeBytes: number, resume: Map<number, ResumePoint>, flow: FlowWindow, meter: ProgressMeter, progress: SendProgress): Promise<void> {
  const files = manifest.entries.flatMap((entry, fileIndex) => entry.kind === 'file' && resume.get(fileIndex)?.complete !== true ? [{ fileIndex, entry }] : [])
  const readFile = ({ fileIndex, entry }: FileToRead): AsyncIterable<Uint8Array> => read(manifest.sources[fileIndex] ?? '', entry, chunkSizeBytes)
  // One for all files, reset for each: a native hasher per file (~3 KB that only a full GC
  // frees) added up to tens of MB with many small files.
  const fileHasher = new Blake3Hasher()
  for await (const { file: { fileIndex, entry }, chunks } of readFilesAhead(files, { read: readFile, chunkSizeBytes })) {
    const point = resume.get(fileIndex)
    const skipChunks = point?.verifiedChunks ?? 0
    fileHasher.reset()
    let chunkIndex = 0
    for await (const chunk of chunks) {
      fileHasher.update(chunk)
      if (chunkIndex < skipChunks) {
        chunkIndex++
        if (chunkIndex === skipChunks && point?.blake3 !== undefined && fileHasher.digest('hex') !== point.blake3) {
          throw new AppError('TRANSFER_SOURCE_CHANGED', `${entry.path} is not what it was when the receiver got its first ${skipChunks} chunk(s)`)
        }
        continue
      }
      const chunkBytes = chunk.byteLength
      await flow.reserve(chunkBytes)
      // Hashed above: the channel may free `chunk` once sent (it then reads as empty).
      await channel.sendChunk(fileIndex, chunkIndex++, blake3(chunk), chunk)
      meter.add(chunkBytes)
    }
    const digest = fileHasher.digest('hex')
    // Recorded before the write resolves: the verdict may overtake the write's promise.
    progress.sentHashes.set(fileIndex, digest)
    await channel.send({ kind: 'file-end', message: { fileIndex, blake3: digest } })
  }
  progress.doneSent = true
  await channel.send({ kind: 'done', message: {} })
}

/** Reads the receiver's verdicts until `complete`; any failure it reports rejects. */
async function awaitVerdicts (channel: FrameChannel, manifest: Manifest, transferId: string, resume: Map<number, ResumePoint>, flow: FlowWindow, progress: SendProgress, emit: (event: TransferEvent) => void): Promise<void> {
  const fileCount = manifest.entries.filter(entry => entry.kind === 'file').length
  const verified = new Set<number>()
  for (const point of resume.values()) {
    const entry = manifest.entries[point.fileIndex]
    if (point.complete !== true || entry === undefined) continue
    verified.add(point.fileIndex)
    emit({ event: 'file-complete', transferId, path: entry.path, size: entry.size, blake3: point.blake3 ?? '' })
  }
  for (;;) {
    const frame = await channel.read()
    if (frame.kind === 'chunk-ack') {
      flow.acknowledge(frame.message.bytes)
    } else if (frame.kind === 'file-result') {
      const { fileIndex, ok } = frame.message
      const sentHash = progress.sentHashes.get(fileIndex)
      const entry = manifest.entries[fileIndex]
      if (sentHash === undefined || entry === undefined || verified.has(fileIndex)) throw unexpected(frame, `for file ${fileIndex}, which is not awaiting one`)
      if (!ok) throw toPeerError(frame.message.code, frame.message.message, 'TRANSFER_WRITE_FAILED')
      if (frame.message.blake3 !== undefined && frame.message.blake3 !== sentHash) {
        throw new AppError('TRANSFER_HASH_MISMATCH', `the receiver saved ${entry.path} with a different hash than was sent`)
      }
      verified.add(fileIndex)
      emit({ event: 'file-complete', transferId, path: entry.path, size: entry.size, blake3: sentHash })
    } else if (frame.kind === 'complete') {
      if (!progress.doneSent || verified.size !== fileCount) throw unexpected(frame, 'before every file was verified')
      if (!frame.message.ok) throw toPeerError(frame.message.code, frame.message.message, 'TRANSFER_WRITE_FAILED')
      if (frame.message.verifiedFiles !== fileCount) {
        throw new AppError('PROTOCOL_INVALID_MESSAGE', `the receiver reports ${frame.message.verifiedFiles} verified files of ${fileCount}`)
      }
      return
    } else {
      throw unexpected(frame, 'during the transfer')
    }
  }
}

/**
 * Sends the chosen files and folders over `stream` and resolves once the receiver
 * verified every file and confirmed completion. Rejects with an AppError: the
 * receiver's code when it declines or aborts (an unknown code from a newer peer becomes
 * TRANSFER_DECLINED for a declined offer, TRANSFER_CANCELLED for an abort, and
 * TRANSFER_WRITE_FAILED for a failed file), TRANSFER_PEER_GONE when the stream ends
 * early, TRANSFER_CANCELLED when `signal` aborts. The stream is closed either way.
 */
export async function sendTransfer (options: SendTransferOptions): Promise<SendResult> {
  const startedMs = performance.now()
  const chunkSizeBytes = options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES
  let transferId = options.transferId ?? randomUUID().replaceAll('-', '')
  let log = options.log.child({ component: 'transfer-sender' })
  const emit = createEventSink(log, options.onEvent)
  const channel = createFrameChannel({ stream: options.stream, log }, { signal: options.signal })
  let pump: Promise<void> | undefined
  try {
    const manifest = options.manifest ?? await buildManifest(options.paths, { log })
    if (channel.signal.aborted) throw channel.signal.reason
    if (options.transferId === undefined && options.idSeed !== undefined) {
      transferId = deriveTransferId(options.idSeed, { entries: manifest.entries, chunkSizeBytes, totalBytes: manifest.totalBytes })
    }
    log = log.child({ transferId })
    try {
      options.onTransferId?.(transferId)
    } catch (err) {
      log.warn({ err }, 'onTransferId listener threw')
    }
    const offer: OfferMessage = {
      transferId,
      senderName: options.senderName,
      chunkSizeBytes,
      totalBytes: manifest.totalBytes,
      entries: manifest.entries
    }
    // Our own offer passes the checks the receiver will run, so a bad one fails here, clearly.
    offerDecoder.decode(offer)
    const { fileCount } = validateOffer(offer)
    await channel.send({ kind: 'offer', message: offer })
    log.info({ files: fileCount, entries: offer.entries.length, bytes: offer.totalBytes }, 'offer sent')

    const response = await channel.read()
    if (response.kind !== 'offer-response') throw unexpected(response, 'instead of answering the offer')
    if (!response.message.accepted) {
      const declined = toPeerError(response.message.code ?? 'TRANSFER_DECLINED', response.message.message, 'TRANSFER_DECLINED')
      log.info({ code: declined.code }, 'offer declined')
      try {
        options.onDeclined?.(declined)
      } catch (err) {
        log.warn({ err }, 'onDeclined listener threw')
      }
      await channel.finish()
      throw declined
    }
    const resume = readResumePoints(response.message.resume, manifest, chunkSizeBytes)
    const resumedBytes = [...resume.values()].reduce((sum, point) => {
      const size = manifest.entries[point.fileIndex]?.size ?? 0
      return sum + (point.complete === true ? size : Math.min(size, point.verifiedChunks * chunkSizeBytes))
    }, 0)
    log.info({ resumedBytes: response.message.resume === undefined ? undefined : resumedBytes }, response.message.resume === undefined ? 'offer accepted' : 'offer accepted as a resume')
    try {
      options.onAccepted?.()
    } catch (err) {
      log.warn({ err }, 'onAccepted listener threw')
    }

    const meter = createProgressMeter({ transferId, direction: 'send', totalBytes: offer.totalBytes, onProgress: emit, startBytes: resumedBytes })
    const progress: SendProgress = { sentHashes: new Map(), doneSent: false }
    const flow = createFlowWindow(response.message.flowWindowBytes, channel.signal)
    pump = sendFiles(channel, manifest, options.readChunks ?? readChunks, chunkSizeBytes, resume, flow, meter, progress)
    await Promise.all([pump, awaitVerdicts(channel, manifest, transferId, resume, flow, progress, emit)])
    await channel.finish()

    const durationMs = Math.round(performance.now() - startedMs)
    meter.complete()
    emit({ event: 'done', transferId, direction: 'send', files: fileCount, bytes: offer.totalBytes, durationMs })
    log.info({ files: fileCount, bytes: offer.totalBytes, resumedBytes, ms: durationMs }, 'transfer sent')
    return { transferId, files: fileCount, bytes: offer.totalBytes, durationMs, resumedBytes }
  } catch (err) {
    const error = await channel.fail(err)
    // Let the pump close its file before we report (it stops at its next write).
    await pump?.catch(() => {})
    log.info({ code: error.code, err: error }, 'transfer not sent')
    throw error
  }
}
