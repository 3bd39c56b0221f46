import { AppError } from '@p2pft/protocol'
import { booleanFlag, secondsFlagMs, stringFlag } from '../command-line.ts'
import type { CommandContext } from '../command-context.ts'
import { createClient } from '../../client/create-client.ts'
import { DEFAULT_PEER_WAIT_MS } from '../../constants.ts'
import { DEFAULT_RETRY_FOR_MS } from '../../transfers/retry-backoff.ts'
import { sendFiles } from '../../transfers/send-files.ts'
import { findRunningDaemon } from './find-running-daemon.ts'
import { sendThroughDaemon } from './send-through-daemon.ts'

/**
 * `p2p-client send --to NAME PATH...`: exits 0 only once the receiver verified every file.
 * Running the same command again resumes an interrupted transfer (same files, same receiver).
 * With a daemon running on the same data dir, the daemon sends (it retries by itself);
 * options only the in-process engine honours (--relay-only, --name, P2PFT_DIAL_VIA) bypass it.
 */
export async function runSend (context: CommandContext): Promise<number> {
  const to = stringFlag(context.parsed, 'to')
  if (to === undefined) throw new AppError('CLI_INVALID_ARGUMENTS', 'send needs --to NAME|PEER_ID')
  const paths = context.parsed.positionals
  if (paths.length === 0) throw new AppError('CLI_INVALID_ARGUMENTS', 'send needs at least one file or folder to send')
  const waitMs = secondsFlagMs(context.parsed, 'wait', DEFAULT_PEER_WAIT_MS)
  const relayOnly = booleanFlag(context.parsed, 'relay-only') || context.io.env.P2PFT_RELAY_ONLY === '1'
  const retryForMs = secondsFlagMs(context.parsed, 'retry-for', DEFAULT_RETRY_FOR_MS)
  // Test knob (like P2PFT_RELAY_ONLY): dial the receiver through this address, e.g. a fault-injecting proxy.
  const dialVia = context.io.env.P2PFT_DIAL_VIA === undefined || context.io.env.P2PFT_DIAL_VIA === '' ? undefined : context.io.env.P2PFT_DIAL_VIA
  // Test knob: let a relayed transfer run this long before punching, so the lab can watch it move mid-way.
  const punchDelayMs = Number(context.io.env.P2PFT_PUNCH_DELAY_MS ?? '') || 0

  const name = stringFlag(context.parsed, 'name')
  if (!relayOnly && dialVia === undefined && name === undefined) {
    const daemon = await findRunningDaemon(context)
    if (daemon !== undefined) return await sendThroughDaemon(context, daemon, { to, paths, waitMs, retryForMs })
  }

  const client = await createClient({ ...context.clientOptions, name: name ?? context.settings.name, reachable: false })
  try {
    const lane = context.io.env.P2PFT_LANE !== '0'
    await sendFiles({ client, to, paths, relayOnly, lane, waitMs, retryForMs, dialVia, punchDelayMs, report: context.report, log: context.log, signal: context.signal })
    return 0
  } finally {
    await client.stop()
  }
}
