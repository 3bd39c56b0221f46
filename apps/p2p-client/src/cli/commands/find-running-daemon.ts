import { createDaemonClient, type DaemonClient } from '@p2pft/daemon-client'
import { readDaemonEndpoint } from '../../api/daemon-endpoint.ts'
import { DAEMON_REQUEST_TIMEOUT_MS } from '../../constants.ts'
import type { CommandContext } from '../command-context.ts'

/**
 * The daemon running on this data dir, if one answers: `send` and `peers` then go through
 * it (its node is already online and its GUI shows the transfer). A stale endpoint file
 * (process gone, another token, no answer) means none: the command runs in-process.
 */
export async function findRunningDaemon (context: CommandContext): Promise<DaemonClient | undefined> {
  const endpoint = await readDaemonEndpoint(context.dataDir)
  if (endpoint === undefined) return undefined
  const api = createDaemonClient({
    baseUrl: endpoint.url,
    token: endpoint.token,
    fetch: async (input, init) => await fetch(input, {
      ...init,
      signal: init?.signal == null ? AbortSignal.timeout(DAEMON_REQUEST_TIMEOUT_MS) : AbortSignal.any([init.signal, AbortSignal.timeout(DAEMON_REQUEST_TIMEOUT_MS)])
    })
  })
  try {
    await api.state()
  } catch (err) {
    context.log.info({ err, url: endpoint.url }, 'the recorded daemon does not answer; working without it')
    return undefined
  }
  context.log.debug({ url: endpoint.url }, 'using the running daemon')
  return api
}
