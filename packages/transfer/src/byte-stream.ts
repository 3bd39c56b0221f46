import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * A reliable, ordered duplex byte stream (a libp2p stream in production, in-memory in tests).
 * The engine may call `write` again before an earlier call resolved (an abort frame can
 * overtake a write that waits on backpressure), so an adapter must queue each call's bytes
 * whole and in call order before returning, and must not copy or change them afterwards.
 */
export interface ByteStream {
  /** Queues bytes; resolves when more may be written (backpressure honoured by awaiting it). */
  write (data: Uint8Array | Uint8ArrayList): Promise<void>
  /**
   * Optional: true when `write` copies every byte it is given (a lane seals them into
   * buffers of its own) before it returns, so the writer may free its buffers as soon as
   * the call returned, without waiting for the promise. Leave it unset for a stream that
   * keeps the buffers it was given (a libp2p stream): freeing those would lose data.
   */
  readonly copiesWrites?: boolean
  /** Incoming bytes; ends when the remote closes its write side. */
  [Symbol.asyncIterator] (): AsyncIterator<Uint8Array | Uint8ArrayList>
  /** Flushes and half-closes our write side. */
  closeWrite (): Promise<void>
  /** Tears the stream down at once (both directions). */
  abort (err: Error): void
  /**
   * Optional: the consumer is done with `data`, a buffer this stream yielded (every byte of
   * it decoded or written), so the stream may free it now instead of at the next garbage
   * collection. Called at most once per buffer; nothing reads the buffer afterwards.
   */
  release?: (data: Uint8Array) => void
}
