import { MAX_TRACKED_READ_BUFFERS } from './constants.ts'

/**
 * Which buffers read from a stream are still in use, for a stream that can free them early
 * (ByteStream.release). Frames span buffers and buffers span frames, so it counts bytes:
 * each buffer is handed back once every byte of it was settled (decoded, or written).
 */
export interface ReadBufferLedger {
  /** Records the next buffer read from the stream; its bytes follow those added before. */
  add: (data: Uint8Array) => void
  /** Settles the stream's bytes [startOffset, endOffset): each byte is settled once. */
  settle: (startOffset: number, endOffset: number) => void
}

interface HeldBuffer {
  data: Uint8Array
  startOffset: number
  endOffset: number
  unsettledBytes: number
}

/** A ledger that calls `release` with each buffer whose bytes are all settled. */
export function createReadBufferLedger (release: (data: Uint8Array) => void): ReadBufferLedger {
  /** In stream order: those of the frames not yet written, at most MAX_TRACKED_READ_BUFFERS. */
  const held: HeldBuffer[] = []
  let readBytes = 0
  return {
    add (data) {
      if (data.byteLength === 0) return
      if (held.length >= MAX_TRACKED_READ_BUFFERS) held.shift()
      held.push({ data, startOffset: readBytes, endOffset: readBytes + data.byteLength, unsettledBytes: data.byteLength })
      readBytes += data.byteLength
    },
    settle (startOffset, endOffset) {
      let index = 0
      while (index < held.length) {
        const entry = held[index]
        if (entry === undefined || entry.startOffset >= endOffset) break
        const overlap = Math.min(endOffset, entry.endOffset) - Math.max(startOffset, entry.startOffset)
        if (overlap > 0) entry.unsettledBytes -= overlap
        if (entry.unsettledBytes > 0) {
          index++
          continue
        }
        held.splice(index, 1)
        release(entry.data)
      }
    }
  }
}
