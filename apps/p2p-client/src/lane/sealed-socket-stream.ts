import { createCipheriv, createDecipheriv, createSecretKey } from 'node:crypto'
import type { Socket } from 'node:net'
import { Uint8ArrayList } from 'uint8arraylist'
import { AppError, MAX_LANE_RECORD_PLAINTEXT_BYTES, freeBuffer } from '@p2pft/protocol'
import type { ByteStream } from '@p2pft/transfer'
import { LANE_READ_HIGH_WATER_BYTES, LANE_READ_LOW_WATER_BYTES, LANE_WRITE_HIGH_WATER_BYTES } from './constants.ts'
import type { LaneKeys } from './lane-keys.ts'

/*
 * A lane record (docs/protocol.md §4.8):
 *   u32 BE plaintext length | u8 type | AES-256-GCM ciphertext (length bytes) | 16-byte tag
 * The 5-byte header is the associated data; the nonce is 4 zero bytes and a u64 BE count of
 * the records sent so far in that direction (each direction has its own key). A record is
 * handed on only after its tag checked out, so nothing unauthenticated reaches the engine.
 */
const HEADER_BYTES = 5
const TAG_BYTES = 16
const NONCE_BYTES = 12
const RECORD_DATA = 0
/** The sender of this record is done writing: a FIN without it means the lane was cut. */
const RECORD_CLOSE = 1
/** The receiver's first record: it accepted the ticket. Empty. */
const RECORD_READY = 2

export interface SealedSocketStreamOptions {
  /** Bytes already read from the socket (after the ticket), to be opened first. */
  initialBytes?: Uint8Array
  /** Send a ready record at once (the receiving end, once it accepted the ticket). @default false */
  sendReady?: boolean
}

/** A ByteStream over a lane socket; `ready` resolves at the peer's first record. */
export interface SealedSocketStream extends ByteStream {
  /** Resolves once the peer's first record (its ready record) checked out; rejects if the lane fails first. */
  readonly ready: Promise<void>
}

function nonceOf (count: bigint): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES)
  nonce.writeBigUInt64BE(count, NONCE_BYTES - 8)
  return nonce
}

function laneCut (message: string, cause?: unknown): AppError {
  return new AppError('TRANSFER_PEER_GONE', message, { cause })
}

/**
 * Seals everything written into records on `socket` and opens what arrives, with
 * backpressure both ways: writes wait while the socket holds LANE_WRITE_HIGH_WATER_BYTES,
 * and reading pauses the socket while the consumer is behind. A record that fails its
 * tag, breaks the format, or a socket that ends without a close record fails the stream.
 * The socket must allow half-open connections (the transfer closes each side in turn).
 * The stream owns the socket's reads: nothing else may listen for its data (each read
 * buffer is freed once opened).
 */
export function createSealedSocketStream (socket: Socket, keys: LaneKeys, options: SealedSocketStreamOptions = {}): SealedSocketStream {
  let sentRecords = 0n
  let openedRecords = 0n
  const queue: Uint8Array[] = []
  /** Plaintext buffers handed to the reader and not yet given back (`release`). */
  const yielded = new WeakSet<Uint8Array>()
  let queuedBytes = 0
  let isPaused = false
  let hasRemoteClosed = false
  let isEnded = false
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const ready = Promise.withResolvers<void>()
  ready.promise.catch(() => {})

  const notify = (): void => { wake?.(); wake = undefined }
  const fail = (err: Error): void => {
    socket.destroy()
    if (failure !== undefined || isEnded) return
    failure = err
    ready.reject(err)
    notify()
  }
  const sealKey = createSecretKey(keys.sealKey)
  const openKey = createSecretKey(keys.openKey)

  function sealRecord (type: number, pieces: Uint8Array[], length: number): void {
    const recordHeader = Buffer.allocUnsafe(HEADER_BYTES)
    recordHeader.writeUInt32BE(length, 0)
    recordHeader[4] = type
    const cipher = createCipheriv('aes-256-gcm', sealKey, nonceOf(sentRecords++))
    cipher.setAAD(recordHeader)
    socket.write(recordHeader)
    for (const piece of pieces) {
      // Freed once the kernel has it: a sealed buffer per record would otherwise wait for V8.
      const sealed = cipher.update(piece)
      socket.write(sealed, () => { freeBuffer(sealed) })
    }
    cipher.final()
    socket.write(cipher.getAuthTag())
  }

  /** Seals `data` as records of at most MAX_LANE_RECORD_PLAINTEXT_BYTES, written in one go. */
  function sealData (data: Uint8Array | Uint8ArrayList): void {
    const pieces = data instanceof Uint8ArrayList ? [...data] : [data]
    let record: Uint8Array[] = []
    let recordBytes = 0
    socket.cork()
    for (let piece of pieces) {
      while (piece.byteLength > 0) {
        const take = Math.min(piece.byteLength, MAX_LANE_RECORD_PLAINTEXT_BYTES - recordBytes)
        record.push(take === piece.byteLength ? piece : piece.subarray(0, take))
        recordBytes += take
        piece = piece.subarray(take)
        if (recordBytes === MAX_LANE_RECORD_PLAINTEXT_BYTES) {
          sealRecord(RECORD_DATA, record, recordBytes)
          record = []
          recordBytes = 0
        }
      }
    }
    if (recordBytes > 0) sealRecord(RECORD_DATA, record, recordBytes)
    socket.uncork()
  }

  // The record being read: its header, then its body (ciphertext and tag) gathered whole in
  // one reused buffer and opened with one call, so each record makes one plaintext buffer
  // (not one per socket read: fewer allocations, and chunks arrive in one piece).
  const header = Buffer.alloc(HEADER_BYTES)
  let headerFill = 0
  const body = Buffer.allocUnsafe(MAX_LANE_RECORD_PLAINTEXT_BYTES + TAG_BYTES)
  let bodyFill = 0
  /** Body bytes of the record being read; undefined while reading a header. */
  let bodyBytes: number | undefined
  let recordType = RECORD_DATA

  function startRecord (): void {
    const length = header.readUInt32BE(0)
    recordType = header[4] ?? -1
    if (hasRemoteClosed) throw new AppError('PROTOCOL_INVALID_MESSAGE', 'the peer sent data on the lane after closing it')
    if (recordType === RECORD_DATA ? length === 0 || length > MAX_LANE_RECORD_PLAINTEXT_BYTES : length !== 0) {
      throw new AppError('PROTOCOL_INVALID_MESSAGE', `a lane record of type ${recordType} cannot hold ${length} bytes`)
    }
    if (recordType === RECORD_READY ? openedRecords !== 0n : recordType !== RECORD_DATA && recordType !== RECORD_CLOSE) {
      throw new AppError('PROTOCOL_INVALID_MESSAGE', `unexpected lane record of type ${recordType}`)
    }
    bodyBytes = length + TAG_BYTES
    bodyFill = 0
  }

  function finishRecord (length: number): void {
    const decipher = createDecipheriv('aes-256-gcm', openKey, nonceOf(openedRecords++), { authTagLength: TAG_BYTES })
    decipher.setAAD(header)
    decipher.setAuthTag(body.subarray(length, length + TAG_BYTES))
    let plaintext: Buffer
    try {
      plaintext = length === 0 ? Buffer.alloc(0) : decipher.update(body.subarray(0, length))
      decipher.final()
    } catch (err) {
      throw new AppError('PROTOCOL_INVALID_MESSAGE', 'a lane record failed authentication: the data was changed on the way', { cause: err })
    }
    bodyBytes = undefined
    // The first record makes the lane ready; resolving again later does nothing.
    ready.resolve()
    if (recordType === RECORD_CLOSE) hasRemoteClosed = true
    if (plaintext.byteLength > 0) {
      yielded.add(plaintext)
      queue.push(plaintext)
      queuedBytes += plaintext.byteLength
    }
  }

  /** Opens what arrived; complete records go to the queue. */
  function open (data: Uint8Array): void {
    let offset = 0
    while (offset < data.byteLength) {
      if (bodyBytes === undefined) {
        const take = Math.min(HEADER_BYTES - headerFill, data.byteLength - offset)
        header.set(data.subarray(offset, offset + take), headerFill)
        headerFill += take
        offset += take
        if (headerFill < HEADER_BYTES) return
        headerFill = 0
        startRecord()
        continue
      }
      const take = Math.min(bodyBytes - bodyFill, data.byteLength - offset)
      body.set(data.subarray(offset, offset + take), bodyFill)
      bodyFill += take
      offset += take
      if (bodyFill === bodyBytes) finishRecord(bodyBytes - TAG_BYTES)
    }
  }

  const onData = (data: Uint8Array): void => {
    if (failure !== undefined) return
    try {
      open(data)
    } catch (err) {
      fail(err as Error)
      return
    }
    if (!isPaused && queuedBytes >= LANE_READ_HIGH_WATER_BYTES) {
      isPaused = true
      socket.pause()
    }
    notify()
  }

  // A socket read is ours alone and copied into `body` at once: freed right away, it never
  // counts towards the next garbage collection (a 64 KiB buffer per read).
  socket.on('data', (data: Buffer) => {
    onData(data)
    freeBuffer(data)
  })
  socket.on('end', () => {
    if (hasRemoteClosed && bodyBytes === undefined && headerFill === 0) {
      isEnded = true
      notify()
    } else {
      fail(laneCut('the lane to the peer was cut off'))
    }
  })
  socket.on('error', (err) => { fail(laneCut('the lane to the peer broke', err)) })
  socket.on('close', () => { if (!isEnded) fail(laneCut('the lane to the peer closed')) })
  if (options.initialBytes !== undefined && options.initialBytes.byteLength > 0) onData(options.initialBytes)
  if (options.sendReady === true) sealRecord(RECORD_READY, [], 0)

  async function * read (): AsyncGenerator<Uint8Array> {
    while (true) {
      const next = queue.shift()
      if (next !== undefined) {
        queuedBytes -= next.byteLength
        if (isPaused && queuedBytes <= LANE_READ_LOW_WATER_BYTES) {
          isPaused = false
          socket.resume()
        }
        yield next
        continue
      }
      if (failure !== undefined) throw failure
      if (isEnded) return
      await new Promise<void>(resolve => { wake = resolve })
    }
  }

  /** Resolves when the socket drained below the high-water mark; rejects once it fails. */
  async function belowHighWater (): Promise<void> {
    while (socket.writableLength >= LANE_WRITE_HIGH_WATER_BYTES) {
      if (failure !== undefined) throw failure
      // Closed after a clean end from the peer: nothing will drain any more.
      if (socket.destroyed) throw laneCut('the lane to the peer is closed')
      await new Promise<void>((resolve) => {
        const settle = (): void => { socket.off('drain', settle); socket.off('close', settle); resolve() }
        socket.on('drain', settle)
        socket.on('close', settle)
      })
    }
    if (failure !== undefined) throw failure
  }

  return {
    ready: ready.promise,
    // `write` seals (copies) its bytes before it first awaits: the writer may free them then.
    copiesWrites: true,
    async write (data) {
      if (failure !== undefined) throw failure
      if (socket.destroyed || socket.writableEnded) throw laneCut('the lane to the peer is closed')
      sealData(data)
      await belowHighWater()
    },
    [Symbol.asyncIterator]: read,
    async closeWrite () {
      if (failure !== undefined) throw failure
      if (socket.writableEnded) return
      sealRecord(RECORD_CLOSE, [], 0)
      await new Promise<void>((resolve) => { socket.end(resolve) })
    },
    abort (err) {
      fail(err)
    },
    release (data) {
      if (yielded.delete(data)) freeBuffer(data)
    }
  }
}
