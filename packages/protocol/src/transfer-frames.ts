import { Uint8ArrayList } from 'uint8arraylist'
import { AppError } from './app-error.ts'
import { BLAKE3_BYTES, MAX_CHUNK_SIZE_BYTES, MAX_CONTROL_FRAME_BYTES } from './constants.ts'
import {
  abortDecoder, chunkAckDecoder, completeDecoder, doneDecoder, fileEndDecoder, fileResultDecoder, keepaliveDecoder, offerDecoder,
  offerResponseDecoder, type AbortMessage, type ChunkAckMessage, type CompleteMessage, type DoneMessage, type FileEndMessage,
  type FileResultMessage, type KeepaliveMessage, type OfferMessage, type OfferResponseMessage
} from './transfer-messages.ts'

/**
 * Framing of the transfer protocol. A frame is a 5-byte header, `u32 length` (of the
 * body, big-endian) and `u8 type`, then the body. Control bodies are UTF-8 JSON; a chunk
 * body is binary (`u32 fileIndex`, `u32 chunkIndex`, 32-byte BLAKE3, data) so file data
 * is never re-encoded. Unknown frame types are skipped, so new ones can be added.
 */
export const FRAME_TYPE = {
  offer: 1,
  'offer-response': 2,
  chunk: 3,
  'file-end': 4,
  'file-result': 5,
  done: 6,
  complete: 7,
  abort: 8,
  keepalive: 9,
  'chunk-ack': 10
} as const

export const FRAME_HEADER_BYTES = 5
const CHUNK_HEADER_BYTES = 4 + 4 + BLAKE3_BYTES

export interface ChunkFrame {
  kind: 'chunk'
  fileIndex: number
  chunkIndex: number
  blake3: Uint8Array
  /** The chunk's bytes; a list of slices to avoid copying what arrived in pieces. */
  data: Uint8ArrayList
  /**
   * Set by a reader that can free `data`'s memory at once: call it when nothing will read
   * `data` again (written to disk). Without a call the memory waits for garbage collection.
   */
  release?: () => void
}

export type TransferFrame =
  | { kind: 'offer', message: OfferMessage }
  | { kind: 'offer-response', message: OfferResponseMessage }
  | ChunkFrame
  | { kind: 'file-end', message: FileEndMessage }
  | { kind: 'file-result', message: FileResultMessage }
  | { kind: 'done', message: DoneMessage }
  | { kind: 'complete', message: CompleteMessage }
  | { kind: 'abort', message: AbortMessage }
  | { kind: 'keepalive', message: KeepaliveMessage }
  | { kind: 'chunk-ack', message: ChunkAckMessage }

export type ControlFrame = Exclude<TransferFrame, ChunkFrame>

const encoder = new TextEncoder()

function frameHeader (type: number, bodyBytes: number): Uint8Array {
  const header = new Uint8Array(FRAME_HEADER_BYTES)
  new DataView(header.buffer).setUint32(0, bodyBytes)
  header[4] = type
  return header
}

/** Encodes a control message into one frame. */
export function encodeControlFrame (frame: ControlFrame): Uint8Array {
  const body = encoder.encode(JSON.stringify(frame.message))
  if (body.byteLength > MAX_CONTROL_FRAME_BYTES) {
    throw new AppError('PROTOCOL_MESSAGE_TOO_LARGE', `${frame.kind} message is ${body.byteLength} bytes, over the ${MAX_CONTROL_FRAME_BYTES}-byte limit`)
  }
  const out = new Uint8Array(FRAME_HEADER_BYTES + body.byteLength)
  out.set(frameHeader(FRAME_TYPE[frame.kind], body.byteLength), 0)
  out.set(body, FRAME_HEADER_BYTES)
  return out
}

/** Encodes a chunk frame as a list (header + the caller's data, not copied). */
export function encodeChunkFrame (fileIndex: number, chunkIndex: number, blake3: Uint8Array, data: Uint8Array): Uint8ArrayList {
  if (data.byteLength > MAX_CHUNK_SIZE_BYTES) {
    throw new AppError('PROTOCOL_MESSAGE_TOO_LARGE', `chunk of ${data.byteLength} bytes is over the ${MAX_CHUNK_SIZE_BYTES}-byte limit`)
  }
  const header = new Uint8Array(FRAME_HEADER_BYTES + CHUNK_HEADER_BYTES)
  const view = new DataView(header.buffer)
  view.setUint32(0, CHUNK_HEADER_BYTES + data.byteLength)
  header[4] = FRAME_TYPE.chunk
  view.setUint32(5, fileIndex)
  view.setUint32(9, chunkIndex)
  header.set(blake3.subarray(0, BLAKE3_BYTES), 13)
  return new Uint8ArrayList(header, data)
}

const CONTROL_DECODERS = {
  [FRAME_TYPE.offer]: (body: Uint8Array): ControlFrame => ({ kind: 'offer', message: offerDecoder.decodeJson(body) }),
  [FRAME_TYPE['offer-response']]: (body: Uint8Array): ControlFrame => ({ kind: 'offer-response', message: offerResponseDecoder.decodeJson(body) }),
  [FRAME_TYPE['file-end']]: (body: Uint8Array): ControlFrame => ({ kind: 'file-end', message: fileEndDecoder.decodeJson(body) }),
  [FRAME_TYPE['file-result']]: (body: Uint8Array): ControlFrame => ({ kind: 'file-result', message: fileResultDecoder.decodeJson(body) }),
  [FRAME_TYPE.done]: (body: Uint8Array): ControlFrame => ({ kind: 'done', message: doneDecoder.decodeJson(body) }),
  [FRAME_TYPE.complete]: (body: Uint8Array): ControlFrame => ({ kind: 'complete', message: completeDecoder.decodeJson(body) }),
  [FRAME_TYPE.abort]: (body: Uint8Array): ControlFrame => ({ kind: 'abort', message: abortDecoder.decodeJson(body) }),
  [FRAME_TYPE.keepalive]: (body: Uint8Array): ControlFrame => ({ kind: 'keepalive', message: keepaliveDecoder.decodeJson(body) }),
  [FRAME_TYPE['chunk-ack']]: (body: Uint8Array): ControlFrame => ({ kind: 'chunk-ack', message: chunkAckDecoder.decodeJson(body) })
} as Record<number, ((body: Uint8Array) => ControlFrame) | undefined>

/**
 * Incremental decoder: push bytes as they arrive, pull whole frames. Rejects a frame
 * as soon as its header announces a body over the limits, before buffering it.
 */
export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList()

  push (data: Uint8Array | Uint8ArrayList): void {
    this.buffer.append(data)
  }

  /** Bytes received but not yet part of a returned frame. */
  get bufferedBytes (): number {
    return this.buffer.byteLength
  }

  /** The next whole frame, or undefined until more bytes arrive. Unknown types are skipped. */
  next (): TransferFrame | undefined {
    while (this.buffer.byteLength >= FRAME_HEADER_BYTES) {
      const bodyBytes = this.buffer.getUint32(0)
      const type = this.buffer.get(4)
      const limit = type === FRAME_TYPE.chunk ? CHUNK_HEADER_BYTES + MAX_CHUNK_SIZE_BYTES : MAX_CONTROL_FRAME_BYTES
      if (bodyBytes > limit) {
        throw new AppError('PROTOCOL_MESSAGE_TOO_LARGE', `frame of type ${type} announces ${bodyBytes} bytes, over the ${limit}-byte limit`)
      }
      if (this.buffer.byteLength < FRAME_HEADER_BYTES + bodyBytes) return undefined
      const body = this.buffer.sublist(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + bodyBytes)
      this.buffer.consume(FRAME_HEADER_BYTES + bodyBytes)
      if (type === FRAME_TYPE.chunk) return decodeChunkBody(body)
      const decode = CONTROL_DECODERS[type]
      if (decode !== undefined) return decode(body.subarray())
      // Unknown frame type from a newer peer: skip it.
    }
    return undefined
  }
}

function decodeChunkBody (body: Uint8ArrayList): ChunkFrame {
  if (body.byteLength < CHUNK_HEADER_BYTES) {
    throw new AppError('PROTOCOL_INVALID_MESSAGE', `chunk frame of ${body.byteLength} bytes is shorter than its header`)
  }
  return {
    kind: 'chunk',
    fileIndex: body.getUint32(0),
    chunkIndex: body.getUint32(4),
    // A copy: the header's bytes are done with once decoded (see ChunkFrame.release).
    blake3: body.slice(8, CHUNK_HEADER_BYTES),
    data: body.sublist(CHUNK_HEADER_BYTES)
  }
}
