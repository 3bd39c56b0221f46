import { encodeChunkFrame, encodeControlFrame, type TransferFrame } from '../transfer-frames.ts'

/** A decoded frame with its bytes copied out (hex), so two decodes compare equal. */
export type FrameView = Exclude<TransferFrame, { kind: 'chunk' }> | { kind: 'chunk', fileIndex: number, chunkIndex: number, blake3: string, data: string }

/** Copies a frame's bytes out of the buffers it shares with the input. */
export function toFrameView (frame: TransferFrame): FrameView {
  if (frame.kind !== 'chunk') return frame
  return { kind: 'chunk', fileIndex: frame.fileIndex, chunkIndex: frame.chunkIndex, blake3: Buffer.from(frame.blake3).toString('hex'), data: Buffer.from(frame.data.subarray()).toString('hex') }
}

/** Encodes a frame view back to wire bytes (the round trip of a fuzz target). */
export function encodeFrameView (frame: FrameView): Uint8Array {
  if (frame.kind !== 'chunk') return encodeControlFrame(frame)
  return encodeChunkFrame(frame.fileIndex, frame.chunkIndex, Buffer.from(frame.blake3, 'hex'), Buffer.from(frame.data, 'hex')).subarray()
}
