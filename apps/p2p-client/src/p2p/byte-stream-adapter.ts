import type { Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'
import type { ByteStream } from '@p2pft/transfer'

/**
 * Presents a libp2p stream as the transfer engine's ByteStream: writes wait for
 * 'drain' when libp2p's buffer is full, so memory stays flat at any file size.
 */
export function toByteStream (stream: Stream): ByteStream {
  return {
    async write (data: Uint8Array | Uint8ArrayList): Promise<void> {
      if (!stream.send(data)) await stream.onDrain()
    },
    [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
    async closeWrite (): Promise<void> {
      await stream.close()
    },
    abort (err: Error): void {
      stream.abort(err)
    }
  }
}
