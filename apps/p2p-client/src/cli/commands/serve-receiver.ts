import { mkdir } from 'node:fs/promises'
import { AppError } from '@p2pft/protocol'
import { createClient, type Client } from '../../client/create-client.ts'
import type { OfferDecision } from '@p2pft/transfer'
import { join } from 'node:path'
import { serveIncomingTransfers, type IncomingTransfers, type IncomingTransfersService, type OfferContext } from '../../transfers/incoming-transfers.ts'
import { laneHostsOf } from '../../lane/lane-hosts.ts'
import { createFileResumeStore } from '../../transfer-state/file-resume-store.ts'
import { TRANSFER_STATE_DIR_NAME } from '../../constants.ts'
import { createOfferPrompt } from '../offer-prompt.ts'
import type { CommandContext } from '../command-context.ts'
import type { Report } from '../reporter.ts'

/** How long `listening` waits for the relay reservation, so it means "reachable every way". */
const RELAY_RESERVATION_WAIT_MS = 5_000

export interface ReceiverOptions {
  name: string | undefined
  downloadDir: string
  autoAccept: boolean
  /** A cancelled transfer keeps its verified part for later instead of deleting it. */
  keepPartial: boolean
  /** Exit after the first transfer, with its outcome as the exit code. */
  once: boolean
  /**
   * Runs once the client has started and takes over deciding, reporting and the download
   * folder (the daemon: its GUI and local API). Without it, the terminal is asked.
   */
  attach?: (client: Client, incoming: IncomingTransfers) => Promise<ReceiverAttachment>
}

/** What a front end (the daemon's API) supplies to a running receiver. */
export interface ReceiverAttachment {
  decide: (context: OfferContext) => Promise<OfferDecision>
  report: Report
  downloadDir: () => string
  /** Whether a cancelled transfer keeps its partial data (the daemon's setting). */
  keepPartial: () => boolean
  close: () => Promise<void>
}

/**
 * A device that others can find and send to (`daemon` and `receive`): online in
 * presence and on the LAN, answering offers until stopped.
 */
export async function serveReceiver (context: CommandContext, options: ReceiverOptions): Promise<number> {
  try {
    await mkdir(options.downloadDir, { recursive: true })
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `cannot create the download folder ${options.downloadDir}: ${(err as Error).message}`, { cause: err })
  }
  const client = await createClient({ ...context.clientOptions, name: options.name, reachable: true })
  let attachment: ReceiverAttachment | undefined
  // The front end gets the receives' controls now; they work once serving starts below.
  let incoming: IncomingTransfersService | undefined
  try {
    attachment = await options.attach?.(client, { cancel: transferId => incoming?.cancel(transferId) ?? false })
  } catch (err) {
    await client.stop()
    throw err
  }
  const report = attachment?.report ?? context.report
  const prompt = createOfferPrompt(context.io)
  const finished = Promise.withResolvers<number>()
  context.signal.addEventListener('abort', () => { finished.resolve(130) })

  client.directory.on('online', peer => { report({ event: 'peer-online', peerId: peer.peerId, name: peer.name, via: peer.via }) })
  client.directory.on('offline', peer => { report({ event: 'peer-offline', peerId: peer.peerId, name: peer.name }) })

  incoming = await serveIncomingTransfers({
    node: client.node,
    log: context.log,
    downloadDir: attachment?.downloadDir ?? (() => options.downloadDir),
    decide: attachment?.decide ?? (async () => options.autoAccept ? { accept: true } : await prompt()),
    report,
    nameOf: peerId => client.directory.list().find(peer => peer.peerId === peerId)?.name,
    isBlocked: client.trust.isBlocked,
    isKnown: peerId => client.trust.get(peerId) !== undefined,
    signal: context.signal,
    // Partial data and its journal live in the data dir, so a transfer resumes after any restart.
    resumeStore: createFileResumeStore({ dir: join(context.dataDir, TRANSFER_STATE_DIR_NAME), log: context.log }),
    keepPartialOnCancel: attachment?.keepPartial ?? (() => options.keepPartial),
    ...freeBytesFromEnv(context.io.env),
    // P2PFT_LANE=0: transfers stay inside libp2p connections (unusual firewalls that pass only the libp2p port).
    laneHosts: context.io.env.P2PFT_LANE === '0' ? undefined : laneHostsOf(context.clientOptions.listen),
    ...(client.signal === undefined ? {} : { laneRelay: client.signal.requestLaneRelay }),
    // `--once` waits through an interruption the sender will resume, and ends with the transfer.
    onFinished: (result) => { if (options.once && (result.ok || !result.resumable)) finished.resolve(result.ok ? 0 : 1) }
  })

  if (client.signal !== undefined) {
    try {
      const hello = await client.signal.whenRegistered(10_000)
      if (hello.relay !== undefined) await waitForRelayAddress(client, RELAY_RESERVATION_WAIT_MS)
    } catch (err) {
      // Keep serving the LAN; the signal client goes on retrying in the background.
      context.log.warn({ err }, 'signal server not reachable yet; still reachable on the LAN')
      report({ event: 'error', code: (err as AppError).code ?? 'SIGNAL_UNREACHABLE', message: (err as Error).message })
    }
  }
  report({ event: 'listening', peerId: client.peerId, name: client.name, multiaddrs: client.node.getMultiaddrs().map(String), ...(context.server === undefined ? {} : { server: context.server }) })

  const code = await finished.promise
  await attachment?.close()
  incoming.close()
  await client.stop()
  return code
}

/** Resolves once we hold a relay reservation (a circuit address), or after `timeoutMs`. */
async function waitForRelayAddress (client: Client, timeoutMs: number): Promise<void> {
  const hasCircuit = (): boolean => client.announcedAddresses().some(addr => addr.includes('/p2p-circuit'))
  if (hasCircuit()) return
  await new Promise<void>((resolve) => {
    const done = (): void => { clearTimeout(timer); client.node.removeEventListener('self:peer:update', check); resolve() }
    const check = (): void => { if (hasCircuit()) done() }
    const timer = setTimeout(done, timeoutMs)
    client.node.addEventListener('self:peer:update', check)
  })
}

/** `P2PFT_FREE_BYTES` (tests) pretends the download disk has that much space, where a small disk cannot be mounted. */
function freeBytesFromEnv (env: NodeJS.ProcessEnv): { freeBytes?: (dir: string) => Promise<number> } {
  const value = env.P2PFT_FREE_BYTES
  if (value === undefined || value === '' || !Number.isSafeInteger(Number(value))) return {}
  return { freeBytes: async () => Number(value) }
}
