import type { PeerId } from '@libp2p/interface'
import { INFO_PROTOCOL_ID, MAX_INFO_RESPONSE_BYTES, AppError, infoResponseDecoder, type InfoResponse } from '@p2pft/protocol'
import { Uint8ArrayList } from 'uint8arraylist'
import type { P2PNode } from './create-p2p-node.ts'

/** Answers our display name to peers that found us by mDNS. */
export async function serveInfo (node: P2PNode, getName: () => string): Promise<void> {
  await node.handle(INFO_PROTOCOL_ID, async (stream) => {
    const answer: InfoResponse = { name: getName() }
    stream.send(new TextEncoder().encode(JSON.stringify(answer)))
    await stream.close()
  }, { runOnLimitedConnection: true })
}

/** Asks a peer its display name; rejects with a typed error on a bad or oversized answer. */
export async function queryInfo (node: P2PNode, peerId: PeerId, signal: AbortSignal): Promise<InfoResponse> {
  const stream = await node.dialProtocol(peerId, INFO_PROTOCOL_ID, { signal, runOnLimitedConnection: true })
  // The signal must bound the whole exchange, not only the dial: a stream on a
  // connection lost in a simultaneous dial would otherwise never end.
  const onAbort = (): void => { stream.abort(new AppError('TRANSFER_TIMEOUT', 'peer did not answer its name in time')) }
  signal.addEventListener('abort', onAbort)
  const received = new Uint8ArrayList()
  try {
    for await (const data of stream) {
      received.append(data)
      if (received.byteLength > MAX_INFO_RESPONSE_BYTES) {
        throw new AppError('PROTOCOL_MESSAGE_TOO_LARGE', `info answer over ${MAX_INFO_RESPONSE_BYTES} bytes`)
      }
      // A whole JSON object is the whole answer: do not depend on the peer's close
      // arriving (it does not, over some encrypters' half-closed streams).
      if (isCompleteJson(received)) break
    }
  } catch (err) {
    stream.abort(err as Error)
    throw err
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  if (signal.aborted) throw new AppError('TRANSFER_TIMEOUT', 'peer did not answer its name in time')
  await stream.close().catch(() => {})
  return infoResponseDecoder.decodeJson(received.subarray())
}

function isCompleteJson (received: Uint8ArrayList): boolean {
  try {
    JSON.parse(new TextDecoder().decode(received.subarray()))
    return true
  } catch {
    return false
  }
}
