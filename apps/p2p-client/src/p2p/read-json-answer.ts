import type { Stream } from '@libp2p/interface'
import { AppError } from '@p2pft/protocol'
import { Uint8ArrayList } from 'uint8arraylist'

export interface ReadJsonAnswerOptions {
  /** Larger answers are PROTOCOL_MESSAGE_TOO_LARGE. */
  maxBytes: number
  /** Bounds the whole read; when it aborts, the read rejects with `timeoutError`. */
  signal: AbortSignal
  timeoutError: () => AppError
  /** Names the answer in errors, e.g. `info answer`. */
  what: string
}

/**
 * Reads a peer's answer of one JSON object and closes our side. A whole JSON object is
 * the whole answer: this does not wait for the peer's close, which does not arrive over
 * some encrypters' half-closed streams. The caller decodes the bytes with its schema.
 */
export async function readJsonAnswer (stream: Stream, options: ReadJsonAnswerOptions): Promise<Uint8Array> {
  // The signal must bound the whole exchange, not only the dial: a stream on a
  // connection lost in a simultaneous dial would otherwise never end.
  const onAbort = (): void => { stream.abort(options.timeoutError()) }
  options.signal.addEventListener('abort', onAbort)
  const received = new Uint8ArrayList()
  try {
    for await (const data of stream) {
      received.append(data)
      if (received.byteLength > options.maxBytes) {
        throw new AppError('PROTOCOL_MESSAGE_TOO_LARGE', `${options.what} over ${options.maxBytes} bytes`)
      }
      if (isCompleteJson(received)) break
    }
  } catch (err) {
    stream.abort(err as Error)
    if (options.signal.aborted) throw options.timeoutError()
    throw err
  } finally {
    options.signal.removeEventListener('abort', onAbort)
  }
  if (options.signal.aborted) throw options.timeoutError()
  await stream.close().catch(() => {})
  return received.subarray()
}

function isCompleteJson (received: Uint8ArrayList): boolean {
  try {
    JSON.parse(new TextDecoder().decode(received.subarray()))
    return true
  } catch {
    return false
  }
}
