import { booleanFlag } from '../command-line.ts'
import type { CommandContext } from '../command-context.ts'
import { createClient } from '../../client/create-client.ts'
import { PEERS_LISTEN_MS } from '../../constants.ts'
import { findRunningDaemon } from './find-running-daemon.ts'
import { listPeersThroughDaemon } from './peers-through-daemon.ts'

/** How long to wait for the presence list after registering. */
const PRESENCE_SETTLE_MS = 500

/** `p2p-client peers`: list the devices online now (or follow them with --watch), through the running daemon if there is one. */
export async function runPeers (context: CommandContext): Promise<number> {
  const daemon = await findRunningDaemon(context)
  if (daemon !== undefined) return await listPeersThroughDaemon(context, daemon, booleanFlag(context.parsed, 'watch'))
  const client = await createClient({ ...context.clientOptions, reachable: false })
  const { report } = context
  try {
    if (client.signal !== undefined) await client.signal.whenRegistered(10_000)
    if (booleanFlag(context.parsed, 'watch')) {
      for (const peer of client.directory.list()) report({ event: 'peer-online', peerId: peer.peerId, name: peer.name, via: peer.via })
      client.directory.on('online', peer => { report({ event: 'peer-online', peerId: peer.peerId, name: peer.name, via: peer.via }) })
      client.directory.on('offline', peer => { report({ event: 'peer-offline', peerId: peer.peerId, name: peer.name }) })
      await new Promise(resolve => { context.signal.addEventListener('abort', resolve) })
      return 0
    }
    // mDNS answers take a moment; the server's list arrives right after registering.
    const waitMs = context.clientOptions.mdns === false ? PRESENCE_SETTLE_MS : PEERS_LISTEN_MS
    await new Promise(resolve => setTimeout(resolve, waitMs))
    const peers = client.directory.list()
    for (const peer of peers) report({ event: 'peer-online', peerId: peer.peerId, name: peer.name, via: peer.via })
    if (peers.length === 0 && !context.json) {
      context.io.stdout.write('No devices online. Start `p2p-client receive` on another device' +
        (context.server === undefined ? ' on this LAN, or give both a --server.\n' : ' with the same --server and room.\n'))
    }
    return 0
  } finally {
    await client.stop()
  }
}
