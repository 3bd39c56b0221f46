import type { Uint8ArrayList } from 'uint8arraylist'
import type { ByteStream } from './byte-stream.ts'
import { MEMORY_STREAM_BUFFER_BYTES } from './constants.ts'

export interface MemoryStreamOptions {
  /** Bytes one direction buffers before `write` waits for the reader. @default MEMORY_STREAM_BUFFER_BYTES */
  bufferBytes?: number
}

type Bytes = Uint8Array | Uint8ArrayList

/** One direction of the pair: a bounded queue between a writer and a reader. */
interface Pipe {
  queue: Bytes[]
  queuedBytes: number
  writeClosed: boolean
  /** Set by a reset: the writer's next calls reject with `writerError`, the reader's with `readerError`. */
  writerError?: Error
  readerError?: Error
  /** Wakes whoever waits on this pipe (a reader for data, writers for room). */
  waiters: Array<() => void>
}

function createPipe (): Pipe {
  return { queue: [], queuedBytes: 0, writeClosed: false, waiters: [] }
}

function wake (pipe: Pipe): void {
  const waiters = pipe.waiters
  pipe.waiters = []
  for (const waiter of waiters) waiter()
}

function waitOn (pipe: Pipe): Promise<void> {
  return new Promise(resolve => pipe.waiters.push(resolve))
}

/** Drops what is queued, like a TCP reset: the remote never reads it. */
function reset (pipe: Pipe, writerError: Error, readerError: Error): void {
  pipe.writerError ??= writerError
  pipe.readerError ??= readerError
  pipe.queue = []
  pipe.queuedBytes = 0
  wake(pipe)
}

function createEnd (outgoing: Pipe, incoming: Pipe, bufferBytes: number): ByteStream {
  return {
    async write (data) {
      if (outgoing.writerError !== undefined) throw outgoing.writerError
      if (outgoing.writeClosed) throw new Error('write after closeWrite')
      outgoing.queue.push(data)
      outgoing.queuedBytes += data.byteLength
      wake(outgoing)
      while (outgoing.queuedBytes >= bufferBytes) {
        await waitOn(outgoing)
        if (outgoing.writerError !== undefined) throw outgoing.writerError
      }
    },
    async closeWrite () {
      if (outgoing.writerError !== undefined) throw outgoing.writerError
      outgoing.writeClosed = true
      wake(outgoing)
    },
    abort (err) {
      const remoteReset = new Error('stream reset by the remote end')
      reset(outgoing, err, remoteReset)
      reset(incoming, remoteReset, err)
    },
    [Symbol.asyncIterator] () {
      return {
        async next (): Promise<IteratorResult<Bytes>> {
          for (;;) {
            if (incoming.readerError !== undefined) throw incoming.readerError
            const value = incoming.queue.shift()
            if (value !== undefined) {
              incoming.queuedBytes -= value.byteLength
              wake(incoming)
              return { done: false, value }
            }
            if (incoming.writeClosed) return { done: true, value: undefined }
            await waitOn(incoming)
          }
        }
      }
    }
  }
}

/**
 * Two connected in-memory ByteStreams. Each direction holds at most about `bufferBytes`
 * before `write` waits, so code under test meets backpressure as it would on a network.
 */
export function createMemoryStreamPair (options: MemoryStreamOptions = {}): [ByteStream, ByteStream] {
  const bufferBytes = options.bufferBytes ?? MEMORY_STREAM_BUFFER_BYTES
  const aToB = createPipe()
  const bToA = createPipe()
  return [createEnd(aToB, bToA, bufferBytes), createEnd(bToA, aToB, bufferBytes)]
}
