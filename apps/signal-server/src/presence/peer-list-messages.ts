import { MAX_SIGNAL_MESSAGE_BYTES, type PresencePeer, type SignalToClient } from '@p2pft/protocol'

export type PeerListMessage = Extract<SignalToClient, { type: 'peers' | 'peer-joined' }>

/**
 * The full list a newly registered client gets, within the message size limit:
 * one `peers` message with as many peers as fit, then a `peer-joined` for each
 * one left over (a single peer always fits: its fields are capped by the schema).
 */
export function toPeerListMessages (peers: readonly PresencePeer[], maxBytes = MAX_SIGNAL_MESSAGE_BYTES): PeerListMessage[] {
  let sizeBytes = Buffer.byteLength(JSON.stringify({ type: 'peers', peers: [] }))
  let fitting = 0
  for (const peer of peers) {
    const peerBytes = Buffer.byteLength(JSON.stringify(peer)) + 1 // plus the comma
    if (sizeBytes + peerBytes > maxBytes) break
    sizeBytes += peerBytes
    fitting += 1
  }
  return [
    { type: 'peers', peers: peers.slice(0, fitting) },
    ...peers.slice(fitting).map((peer): PeerListMessage => ({ type: 'peer-joined', peer }))
  ]
}
