import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { AppError, isAppError, isErrorCode, type ClientEvent, type SendResponse, type TransferView } from '@p2pft/protocol'
import type { DaemonClient } from '@p2pft/daemon-client'
import { DAEMON_PEER_POLL_MS } from '../../constants.ts'
import type { CommandContext } from '../command-context.ts'

/** Events of other transfers kept while ours has no transferId yet: far more than a start produces. */
const MAX_EARLY_EVENTS = 10_000

export interface DaemonSendOptions {
  to: string
  paths: string[]
  /** How long to wait for the receiver to come online. */
  waitMs: number
  /**
   * How long the transfer may stay paused before this command gives up (exit 1, like the
   * in-process `send`); the daemon itself keeps retrying and resumes when the peer is back.
   */
  retryForMs: number
}

/**
 * `send` through the running daemon: the daemon sends (and its GUI shows it), this command
 * prints the transfer's events and exits as the in-process `send` would: 0 once every file
 * was verified, 1 with one line saying why. Ctrl-C cancels the daemon's transfer.
 */
export async function sendThroughDaemon (context: CommandContext, api: DaemonClient, options: DaemonSendOptions): Promise<number> {
  const paths = options.paths.map(path => resolve(path))
  let id: string | undefined
  let transferId: string | undefined
  let peerId: string | undefined
  let early: ClientEvent[] = []
  const outcome = Promise.withResolvers<number>()
  // Settled from callbacks, maybe before it is awaited: never an unhandled rejection.
  outcome.promise.catch(() => {})

  const print = (event: ClientEvent): void => {
    // The failure is thrown and printed once by the command line, as in-process.
    if (event.event !== 'error') context.report(event)
  }
  let pausedTimer: NodeJS.Timeout | undefined
  const watchPause = (view: TransferView): void => {
    if (view.status !== 'paused') {
      clearTimeout(pausedTimer)
      pausedTimer = undefined
      return
    }
    if (pausedTimer !== undefined) return
    pausedTimer = setTimeout(() => {
      const code = view.error?.code ?? 'TRANSFER_PEER_GONE'
      outcome.reject(new AppError(isErrorCode(code) ? code : 'TRANSFER_PEER_GONE',
        `${view.error?.message ?? 'the connection was lost'}; still paused after ${Math.round(options.retryForMs / 1000)} s (the daemon keeps retrying and resumes by itself when ${view.peer.name} is back)`))
    }, options.retryForMs)
  }
  const onSnapshot = (view: TransferView): void => {
    peerId = view.peer.peerId
    watchPause(view)
    if (transferId === undefined && view.transferId !== undefined) {
      transferId = view.transferId
      for (const event of early) if ('transferId' in event && event.transferId === transferId) print(event)
      early = []
    }
    if (view.status === 'completed') outcome.resolve(0)
    else if (view.status === 'failed' || view.status === 'declined' || view.status === 'cancelled') {
      const code = view.error?.code ?? 'INTERNAL_ERROR'
      outcome.reject(new AppError(isErrorCode(code) ? code : 'INTERNAL_ERROR', view.error?.message ?? `the transfer ended: ${view.status}`))
    }
  }

  // Subscribed before sending, so no event of the transfer is missed.
  const opened = Promise.withResolvers<void>()
  opened.promise.catch(() => {})
  const subscription = api.events({
    onOpen: () => { opened.resolve() },
    onMessage: (message) => {
      if (message.event === 'state') {
        const view = id === undefined ? undefined : message.state.transfers.find(transfer => transfer.id === id)
        if (view !== undefined) onSnapshot(view)
        return
      }
      if ('transferId' in message && message.transferId !== undefined) {
        if (message.transferId === transferId) print(message)
        else if (transferId === undefined && early.length < MAX_EARLY_EVENTS) early.push(message)
      } else if (message.event === 'connection' && message.peer.peerId === peerId && transferId === undefined) {
        print(message)
      }
    },
    onClose: () => {
      opened.reject(new AppError('INTERNAL_ERROR', 'the daemon closed its event stream'))
      outcome.reject(new AppError('INTERNAL_ERROR', 'the daemon stopped during the transfer; send again to resume'))
    }
  })
  const cancel = (): void => {
    if (id !== undefined) api.cancel(id).catch(() => {})
    outcome.resolve(130)
  }
  context.signal.addEventListener('abort', cancel)
  try {
    await opened.promise
    const started = await startSend(api, paths, options, context.signal)
    id = started.id
    return await outcome.promise
  } finally {
    clearTimeout(pausedTimer)
    context.signal.removeEventListener('abort', cancel)
    subscription.close()
  }
}

/** Asks the daemon to send, waiting up to `waitMs` for the receiver to come online (like `send --wait`). */
async function startSend (api: DaemonClient, paths: string[], options: DaemonSendOptions, signal: AbortSignal): Promise<SendResponse> {
  const deadlineMs = Date.now() + options.waitMs
  for (;;) {
    try {
      return await api.send(options.to, paths)
    } catch (err) {
      if (!isAppError(err, 'TRANSFER_PEER_NOT_FOUND') || Date.now() + DAEMON_PEER_POLL_MS > deadlineMs || signal.aborted) throw err
    }
    await sleep(DAEMON_PEER_POLL_MS, undefined, { signal }).catch(() => {})
  }
}
