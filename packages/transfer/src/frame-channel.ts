import type { Logger } from 'pino'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  AppError, FrameDecoder, TRANSFER_KEEPALIVE_INTERVAL_MS, TRANSFER_KEEPALIVE_TIMEOUT_MS, encodeChunkFrame,
  encodeControlFrame, freeBuffer, type ControlFrame, type TransferFrame
} from '@p2pft/protocol'
import type { ByteStream } from './byte-stream.ts'
import { ABORT_LINGER_MS, FINISH_TIMEOUT_MS, WRITE_BATCH_BYTES } from './constants.ts'
import { toPeerError, toWireMessage } from './peer-error.ts'
import { createReadBufferLedger } from './read-buffer-ledger.ts'

export interface FrameChannelDeps {
  stream: ByteStream
  log: Logger
}

export interface FrameChannelOptions {
  /** Aborting it stops the transfer with TRANSFER_CANCELLED. */
  signal?: AbortSignal
  /** How long `fail` waits for the peer to read our abort frame. @default ABORT_LINGER_MS */
  abortLingerMs?: number
  /** How long `finish` waits for the peer to close its side. @default FINISH_TIMEOUT_MS */
  finishTimeoutMs?: number
  /** After this long without writing anything, send a keepalive frame. @default TRANSFER_KEEPALIVE_INTERVAL_MS */
  keepaliveIntervalMs?: number
  /**
   * A peer that sends keepalives and then stays silent this long while we wait for it is
   * gone (TRANSFER_PEER_GONE). Peers that never sent one (older versions) are not timed out.
   * @default TRANSFER_KEEPALIVE_TIMEOUT_MS
   */
  keepaliveTimeoutMs?: number
}

/** Frames over a ByteStream, with the stopping rules both sides share. */
export interface FrameChannel {
  /** Aborted (with the AppError) once the channel is interrupted or failed. */
  readonly signal: AbortSignal
  /**
   * The next frame. Rejects with the peer's code on an abort frame, with
   * TRANSFER_PEER_GONE when the stream ends or breaks, with PROTOCOL_* on bad bytes,
   * or with the reason given to `interrupt`.
   */
  read: () => Promise<TransferFrame>
  send: (frame: ControlFrame) => Promise<void>
  /**
   * Sends a chunk. The channel owns `data` from then on: over a stream that copies its
   * writes (`ByteStream.copiesWrites`) it frees `data` once handed over, so the caller
   * must hash it before and never read it after (it then reads as empty).
   */
  sendChunk: (fileIndex: number, chunkIndex: number, blake3: Uint8Array, data: Uint8Array) => Promise<void>
  /** Makes pending and later reads and writes reject with `reason`; the first reason wins. */
  interrupt: (reason: AppError) => void
  /** Ends a finished exchange: close our side, wait (bounded) for the peer to close its side. */
  finish: () => Promise<void>
  /**
   * Ends a failed exchange and returns the error to report: the first interrupt reason,
   * else `err`. Unless the failure came from the peer, sends it an abort frame and
   * lingers briefly so it can read it, then resets the stream.
   */
  fail: (err: unknown) => Promise<AppError>
}

/** Resolves true when `work` finished in time, false when the time ran out or it threw. */
async function finishesWithin (work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>(resolve => { timer = setTimeout(resolve, timeoutMs, false) })
  try {
    return await Promise.race([work.then(() => true, () => false), timeout])
  } finally {
    clearTimeout(timer)
  }
}

export function createFrameChannel (deps: FrameChannelDeps, options: FrameChannelOptions = {}): FrameChannel {
  const { stream, log } = deps
  const abortLingerMs = options.abortLingerMs ?? ABORT_LINGER_MS
  const finishTimeoutMs = options.finishTimeoutMs ?? FINISH_TIMEOUT_MS
  const keepaliveIntervalMs = options.keepaliveIntervalMs ?? TRANSFER_KEEPALIVE_INTERVAL_MS
  const keepaliveTimeoutMs = options.keepaliveTimeoutMs ?? TRANSFER_KEEPALIVE_TIMEOUT_MS
  const decoder = new FrameDecoder()
  const iterator = stream[Symbol.asyncIterator]()
  const controller = new AbortController()
  /** Rejecters of the reads and writes in progress, so an interrupt can stop them. */
  const waiters = new Set<(err: AppError) => void>()
  /** Errors that came from the peer (its abort, its vanishing): we do not answer those with an abort frame. */
  const fromPeer = new WeakSet<AppError>()
  let reason: AppError | undefined
  let ended = false
  let broken: AppError | undefined
  let filling: Promise<void> | undefined
  let closed = false
  /** When we last wrote, and since when we have been waiting for bytes (undefined: not waiting). */
  let lastWriteMs = performance.now()
  let waitingSinceMs: number | undefined
  let peerSendsKeepalives = false
  let announcedKeepalives = false
  // A stream that can free what it read gets each buffer back once its frames are done
  // with it: a lane allocates a buffer per record, and freeing those only at garbage
  // collection started a full collection every ~20 MB received.
  const { release } = stream
  const ledger = release === undefined ? undefined : createReadBufferLedger(data => { release.call(stream, data) })
  /** Stream offset of the next frame's first byte. */
  let decodedBytes = 0

  const peerGone = (message: string, cause?: unknown): AppError => {
    const err = new AppError('TRANSFER_PEER_GONE', message, { cause })
    fromPeer.add(err)
    return err
  }

  // One pull from the stream at a time. A pull left behind by an interrupted read is
  // reused by the next one, so no bytes are lost between them.
  const fill = (): Promise<void> => {
    if (filling === undefined) waitingSinceMs = performance.now()
    filling ??= iterator.next().then(result => {
      filling = undefined
      waitingSinceMs = undefined
      if (result.done === true) {
        ended = true
        return
      }
      decoder.push(result.value)
      if (ledger === undefined) return
      if (result.value instanceof Uint8Array) ledger.add(result.value)
      else for (const data of result.value) ledger.add(data)
    }, (err: unknown) => {
      filling = undefined
      waitingSinceMs = undefined
      broken ??= peerGone('the connection to the peer broke', err)
    })
    return filling
  }

  /** Settles the bytes of the frames just decoded, but a chunk's data: that waits for its `release`. */
  const settleDecoded = (frame: TransferFrame | undefined, consumedBytes: number): void => {
    if (ledger === undefined || consumedBytes === 0) return
    const startOffset = decodedBytes
    decodedBytes += consumedBytes
    const endOffset = decodedBytes
    if (frame?.kind !== 'chunk') {
      ledger.settle(startOffset, endOffset)
      return
    }
    const dataOffset = endOffset - frame.data.byteLength
    ledger.settle(startOffset, dataOffset)
    let isReleased = false
    frame.release = () => {
      if (isReleased) return
      isReleased = true
      ledger.settle(dataOffset, endOffset)
    }
  }

  /** The next frame, or undefined when the peer closed its side cleanly. */
  const readRaw = async (): Promise<TransferFrame | undefined> => {
    for (;;) {
      const bufferedBytes = decoder.bufferedBytes
      const frame = decoder.next()
      settleDecoded(frame, bufferedBytes - decoder.bufferedBytes)
      if (frame?.kind === 'keepalive') {
        peerSendsKeepalives = true
        continue
      }
      if (frame !== undefined) return frame
      if (broken !== undefined) throw broken
      if (ended) {
        if (decoder.bufferedBytes > 0) throw peerGone('the peer closed the stream in the middle of a frame')
        return undefined
      }
      await fill()
    }
  }

  // Not Promise.race against one long-lived promise: each race would leave a reaction
  // on it until the transfer ends, one per chunk.
  const guard = async <T>(work: Promise<T>): Promise<T> => await new Promise<T>((resolve, reject) => {
    if (reason !== undefined) {
      work.catch(() => {})
      reject(reason)
      return
    }
    waiters.add(reject)
    work.then(
      value => { waiters.delete(reject); resolve(value) },
      (err: unknown) => { waiters.delete(reject); reject(err) }
    )
  })

  /** Frames not yet handed to the stream, in order. */
  let queued = new Uint8ArrayList()
  // A stream that copies what it is given leaves the chunks' buffers unused once a write
  // returned: freed then, a sender holds about one batch of chunks instead of every chunk
  // sent since the last garbage collection.
  const copiesWrites = stream.copiesWrites === true
  /** Chunk buffers in `queued`, to free once handed to a stream that copies them; empty otherwise. */
  let queuedChunks: Uint8Array[] = []
  /** Hands `queued` to the stream until it is empty; undefined when idle. */
  let pumping: Promise<void> | undefined
  let writeFailure: AppError | undefined

  // Frames written in one turn of the event loop go out as one stream write: many small
  // files make a chunk, a file-end, an ack and a file-result each, and one write apiece
  // cost a muxer frame, a secure-channel record and a syscall apiece.
  const pump = async (): Promise<void> => {
    try {
      await new Promise<void>(resolve => { setImmediate(resolve) })
      while (queued.byteLength > 0) {
        const data = queued
        const chunks = queuedChunks
        queued = new Uint8ArrayList()
        queuedChunks = []
        const written = stream.write(data)
        for (const chunk of chunks) freeBuffer(chunk)
        await written
      }
    } catch (err) {
      writeFailure = peerGone('could not write to the peer', err)
      queued = new Uint8ArrayList()
      queuedChunks = []
      // Whoever wrote has moved on: stop the reads and writes in progress instead.
      interrupt(writeFailure)
    } finally {
      // Synchronously after the last emptiness check: a later write starts a new pump.
      pumping = undefined
    }
  }

  /** Resolves once everything queued so far was handed to the stream; rejects if a write failed. */
  const flush = async (): Promise<void> => {
    while (pumping !== undefined) await pumping
    if (writeFailure !== undefined) throw writeFailure
  }

  /**
   * Queues `data` for the stream. Resolves at once while less than WRITE_BATCH_BYTES
   * wait, else once they are written (backpressure). A failed write interrupts the channel.
   * `chunk`, a buffer inside `data` that the channel owns, is freed once written if the stream copies writes.
   */
  const write = async (data: Uint8Array | Uint8ArrayList, chunk?: Uint8Array): Promise<void> => {
    if (reason !== undefined) throw reason
    if (writeFailure !== undefined) throw writeFailure
    lastWriteMs = performance.now()
    queued.append(data)
    if (copiesWrites && chunk !== undefined) queuedChunks.push(chunk)
    pumping ??= pump()
    if (queued.byteLength >= WRITE_BATCH_BYTES) await guard(flush())
  }

  // One timer does both jobs: say we are alive when we have been quiet, and notice a
  // peer that went silent (a dropped network sends no reset) while we wait for it.
  const heartbeat = setInterval(() => {
    const nowMs = performance.now()
    if (peerSendsKeepalives && waitingSinceMs !== undefined && nowMs - waitingSinceMs >= keepaliveTimeoutMs) {
      const err = peerGone(`no sign of life from the peer for ${Math.round(keepaliveTimeoutMs / 1000)} s`)
      broken ??= err
      interrupt(err)
      stream.abort(err)
      return
    }
    if (!closed && nowMs - lastWriteMs >= keepaliveIntervalMs) {
      write(encodeControlFrame({ kind: 'keepalive', message: {} })).catch(() => {})
    }
  }, Math.min(500, keepaliveIntervalMs))
  heartbeat.unref()

  const interrupt = (err: AppError): void => {
    if (reason !== undefined) return
    clearInterval(heartbeat)
    reason = err
    controller.abort(err)
    for (const stop of waiters) stop(err)
    waiters.clear()
  }

  const onCancel = (): void => { interrupt(new AppError('TRANSFER_CANCELLED', 'the transfer was cancelled')) }
  if (options.signal?.aborted === true) onCancel()
  else options.signal?.addEventListener('abort', onCancel, { once: true })
  const close = (): void => {
    closed = true
    clearInterval(heartbeat)
    options.signal?.removeEventListener('abort', onCancel)
  }

  /** Discards what the peer still sends until it closes its side. */
  const drain = async (): Promise<void> => {
    for (let frame = await readRaw(); frame !== undefined; frame = await readRaw()) {
      if (frame.kind === 'chunk') frame.release?.()
      log.debug({ kind: frame.kind }, 'ignored a frame after the exchange ended')
    }
  }

  return {
    signal: controller.signal,

    async read () {
      if (reason !== undefined) throw reason
      const frame = await guard(readRaw())
      if (frame === undefined) throw peerGone('the peer closed the stream before the transfer finished')
      if (frame.kind === 'abort') {
        const err = toPeerError(frame.message.code, frame.message.message, 'TRANSFER_CANCELLED')
        fromPeer.add(err)
        throw err
      }
      return frame
    },

    async send (frame) {
      await write(encodeControlFrame(frame))
      if (!announcedKeepalives) {
        // Right after our first frame (offer, offer-response), so the peer can time us out
        // from the start; older peers skip the unknown frame type.
        announcedKeepalives = true
        await write(encodeControlFrame({ kind: 'keepalive', message: {} }))
      }
    },

    async sendChunk (fileIndex, chunkIndex, blake3, data) {
      await write(encodeChunkFrame(fileIndex, chunkIndex, blake3, data), data)
    },

    interrupt,

    async finish () {
      if (reason !== undefined) throw reason
      await guard(flush())
      close()
      const closedCleanly = await finishesWithin((async () => {
        await stream.closeWrite()
        await drain()
      })(), finishTimeoutMs)
      if (!closedCleanly) {
        log.debug('the peer did not close its side in time; resetting the stream')
        stream.abort(new Error('the peer did not close the stream'))
      }
    },

    async fail (err) {
      interrupt(err instanceof AppError ? err : new AppError('INTERNAL_ERROR', 'the transfer failed unexpectedly', { cause: err }))
      const error = reason ?? new AppError('INTERNAL_ERROR', 'the transfer failed unexpectedly', { cause: err })
      if (closed) return error
      close()
      if (!fromPeer.has(error)) {
        // Frames still queued are dropped; one being written goes out before the abort.
        queued = new Uint8ArrayList()
        queuedChunks = []
        const told = await finishesWithin((async () => {
          await flush().catch(() => {})
          await stream.write(encodeControlFrame({ kind: 'abort', message: { code: error.code, message: toWireMessage(error.message) } }))
          await stream.closeWrite()
          await drain()
        })(), abortLingerMs)
        if (!told) log.debug({ code: error.code }, 'the peer did not acknowledge our abort in time')
      }
      stream.abort(error)
      return error
    }
  }
}
