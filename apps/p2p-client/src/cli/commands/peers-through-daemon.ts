import { AppError, type PeerView } from '@p2pft/protocol'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { CommandContext } from '../command-context.ts'

/** `peers` answered by the running daemon: the same events and text as the in-process command. */
export async function listPeersThroughDaemon (context: CommandContext, api: DaemonClient, watch: boolean): Promise<number> {
  const { report } = context
  const online = (peer: PeerView): void => { report({ event: 'peer-online', peerId: peer.peerId, name: peer.name, via: peer.via }) }
  if (!watch) {
    const { peers } = await api.state()
    for (const peer of peers) online(peer)
    if (peers.length === 0 && !context.json) {
      context.io.stdout.write('No devices online. Start `p2p-client receive` on another device' +
        (context.server === undefined ? ' on this LAN, or give both a --server.\n' : ' with the same --server and room.\n'))
    }
    return 0
  }
  // Follow the daemon's snapshots: each arrival and departure once.
  const known = new Map<string, PeerView>()
  const ended = Promise.withResolvers<number>()
  ended.promise.catch(() => {})
  const subscription = api.events({
    onMessage: (message) => {
      if (message.event !== 'state') return
      const now = new Map(message.state.peers.map(peer => [peer.peerId, peer]))
      for (const [peerId, peer] of now) if (!known.has(peerId)) online(peer)
      for (const [peerId, peer] of known) if (!now.has(peerId)) report({ event: 'peer-offline', peerId, name: peer.name })
      known.clear()
      for (const [peerId, peer] of now) known.set(peerId, peer)
    },
    onClose: () => { ended.reject(new AppError('INTERNAL_ERROR', 'the daemon stopped; run `p2p-client peers` again')) }
  })
  const stop = (): void => { ended.resolve(0) }
  context.signal.addEventListener('abort', stop)
  try {
    return await ended.promise
  } finally {
    context.signal.removeEventListener('abort', stop)
    subscription.close()
  }
}
