import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import type { ByteStream } from '@p2pft/transfer'
import {
  STREAM_MAX_READ_BUFFER_BYTES, STREAM_READ_HIGH_WATER_BYTES, STREAM_READ_LOW_WATER_BYTES, STREAM_WRITE_HIGH_WATER_BYTES
} from '../constants.ts'

/**
 * Presents a libp2p stream as the transfer engine's ByteStream with backpressure both
 * ways, so memory stays flat at any file size: writes wait for 'drain', and reads
 * pause the stream (yamux stops granting window) while the consumer is behind.
 * libp2p's own async iterator queues without bound, so it is not used; nor is
 * `onDrain()`, whose promise stays resolved after the first drain (libp2p utils 7.4).
 */
export function toByteStream (stream: Stream): ByteStream {
  stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, STREAM_MAX_READ_BUFFER_BYTES)
  const queue: Array<Uint8Array | Uint8ArrayList> = []
  let queuedBytes = 0
  let isPaused = false
  let isResuming = false
  let isEnded = false
  let failure: Error | undefined
  let wake: (() => void) | undefined

  const notify = (): void => { wake?.(); wake = undefined }
  // Listeners are attached at once so no data that arrives before reading starts is lost.
  stream.addEventListener('message', (event) => {
    queue.push(event.data)
    queuedBytes += event.data.byteLength
    if (!isResuming) pauseIfBehind()
    notify()
  })
  stream.addEventListener('remoteCloseWrite', () => { isEnded = true; notify() })
  stream.addEventListener('close', (event) => {
    if (event.error !== undefined) failure = event.error
    isEnded = true
    notify()
  })

  function pauseIfBehind (): void {
    if (!isPaused && queuedBytes >= STREAM_READ_HIGH_WATER_BYTES && stream.readStatus === 'readable') {
      isPaused = true
      stream.pause()
    }
  }

  function resumeStream (): void {
    isPaused = false
    // A stream reset meanwhile has nothing to resume; its 'close' error is reported by read().
    if (stream.readStatus !== 'paused') return
    // resume() emits the data buffered while paused and only then re-enables yamux window
    // updates, so pausing from inside it would leave the window open: pause after it.
    isResuming = true
    try {
      stream.resume()
    } finally {
      isResuming = false
    }
    pauseIfBehind()
  }

  async function * read (): AsyncGenerator<Uint8Array | Uint8ArrayList> {
    while (true) {
      const next = queue.shift()
      if (next !== undefined) {
        queuedBytes -= next.byteLength
        if (isPaused && queuedBytes <= STREAM_READ_LOW_WATER_BYTES) resumeStream()
        yield next
        continue
      }
      if (failure !== undefined) throw failure
      if (isEnded) return
      await new Promise<void>(resolve => { wake = resolve })
    }
  }

  return {
    async write (data: Uint8Array | Uint8ArrayList): Promise<void> {
      stream.send(data)
      while (stream.writeBufferLength > 0 && (stream.writableNeedsDrain || stream.writeBufferLength >= STREAM_WRITE_HIGH_WATER_BYTES)) {
        await nextDrainOrIdle(stream)
      }
    },
    [Symbol.asyncIterator]: read,
    async closeWrite (): Promise<void> {
      await stream.close()
    },
    abort (err: Error): void {
      stream.abort(err)
    }
  }
}

/** Resolves when the stream sends queued data on ('drain') or empties its queue ('idle'). */
async function nextDrainOrIdle (stream: Stream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const settle = (): void => {
      stream.removeEventListener('drain', onProgress)
      stream.removeEventListener('idle', onProgress)
      stream.removeEventListener('close', onClose)
    }
    const onProgress = (): void => { settle(); resolve() }
    const onClose = (event: Event & { error?: Error }): void => { settle(); reject(event.error ?? new Error('stream closed while writing')) }
    stream.addEventListener('drain', onProgress)
    stream.addEventListener('idle', onProgress)
    stream.addEventListener('close', onClose)
  })
}
