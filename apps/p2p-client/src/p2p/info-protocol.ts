import type { PeerId } from '@libp2p/interface'
import { INFO_PROTOCOL_ID, MAX_INFO_RESPONSE_BYTES, AppError, infoResponseDecoder, type InfoResponse } from '@p2pft/protocol'
import type { P2PNode } from './create-p2p-node.ts'
import { readJsonAnswer } from './read-json-answer.ts'

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
  const answer = await readJsonAnswer(stream, {
    maxBytes: MAX_INFO_RESPONSE_BYTES,
    signal,
    timeoutError: () => new AppError('TRANSFER_TIMEOUT', 'peer did not answer its name in time'),
    what: 'info answer'
  })
  return infoResponseDecoder.decodeJson(answer)
}
