import type { ClientEvent, ClientEventOf, HistoryResult, TransferView } from '@p2pft/protocol'
import { FINISHED_TRANSFER_KEEP_MS } from '../constants.ts'
import type { HistoryRecord } from '../history/history-store.ts'

interface TrackedTransfer {
  view: TransferView
  fileCount: number
  /** The engine's own measure (from `done`), which leaves out waiting for an answer. */
  durationMs?: number
}

export interface NewSend {
  id: string
  peer: { peerId: string, name: string }
  names: string[]
  fileCount: number
  totalBytes: number
  status: 'preparing' | 'connecting'
}

export interface TransferTracker {
  startSend: (send: NewSend) => TransferView
  startReceive: (offer: ClientEventOf<'offer'>, connection: 'direct' | 'relayed' | undefined) => TransferView
  /** Applies an event to the transfer `id`; returns the history record when it made the transfer end. */
  apply: (id: string, event: ClientEvent) => HistoryRecord | undefined
  /** Ends a transfer (first call wins); returns its history record. */
  finish: (id: string, result: HistoryResult, error?: { code: string, message: string }) => HistoryRecord | undefined
  /** Changes a send that is still preparing (its upload arrived). */
  update: (id: string, change: Partial<Pick<TransferView, 'status' | 'bytes' | 'totalBytes' | 'names'>>) => void
  get: (id: string) => TransferView | undefined
  /** Newest first; finished transfers older than FINISHED_TRANSFER_KEEP_MS are dropped. */
  list: () => TransferView[]
}

const FINISHED: ReadonlySet<TransferView['status']> = new Set(['completed', 'declined', 'cancelled', 'failed'])

export function isFinished (view: TransferView): boolean {
  return FINISHED.has(view.status)
}

/** The top-level names of an offer: `photos` for `photos/a.jpg`, each once. */
export function topLevelNames (paths: string[]): string[] {
  return [...new Set(paths.map(path => path.split('/')[0] ?? path))]
}

/** Turns ClientEvents into the live view of each transfer, and finished ones into history records. */
export function createTransferTracker (now: () => number = Date.now): TransferTracker {
  const transfers = new Map<string, TrackedTransfer>()

  const toRecord = (tracked: TrackedTransfer): HistoryRecord => {
    const { view } = tracked
    return {
      id: view.id,
      direction: view.direction,
      peerId: view.peer.peerId,
      peerName: view.peer.name,
      names: view.names,
      fileCount: tracked.fileCount,
      totalBytes: view.status === 'completed' ? Math.max(view.totalBytes, view.bytes) : view.totalBytes,
      startedAtMs: view.startedAtMs,
      durationMs: tracked.durationMs ?? (view.finishedAtMs ?? now()) - view.startedAtMs,
      result: view.status === 'completed' || view.status === 'declined' || view.status === 'cancelled' ? view.status : 'failed',
      ...(view.error === undefined ? {} : { errorCode: view.error.code, errorMessage: view.error.message }),
      ...(view.savedTo === undefined ? {} : { savedTo: view.savedTo })
    }
  }

  const finish = (id: string, result: HistoryResult, error?: { code: string, message: string }): HistoryRecord | undefined => {
    const tracked = transfers.get(id)
    if (tracked === undefined || isFinished(tracked.view)) return undefined
    const { view } = tracked
    view.status = result
    view.finishedAtMs = now()
    view.bytesPerSecond = 0
    view.etaSeconds = null
    if (error !== undefined) view.error = { code: error.code, message: error.message }
    return toRecord(tracked)
  }

  const apply = (id: string, event: ClientEvent): HistoryRecord | undefined => {
    const tracked = transfers.get(id)
    if (tracked === undefined || isFinished(tracked.view)) return undefined
    const { view } = tracked
    switch (event.event) {
      case 'connection':
        view.connection = event.type
        if (view.status === 'connecting') view.status = 'waiting'
        return undefined
      case 'accepted':
        view.transferId = event.transferId
        view.status = 'transferring'
        return undefined
      case 'progress':
        view.transferId = event.transferId
        view.status = 'transferring'
        view.bytes = event.bytes
        view.totalBytes = event.total
        view.bytesPerSecond = event.bytesPerSecond
        view.etaSeconds = event.etaSeconds
        return undefined
      case 'declined':
        view.transferId = event.transferId
        return finish(id, 'declined', { code: event.code, message: event.message })
      case 'done':
        view.transferId = event.transferId
        view.bytes = event.bytes
        view.totalBytes = Math.max(view.totalBytes, event.bytes)
        tracked.fileCount = event.files
        tracked.durationMs = event.durationMs
        if (event.savedTo !== undefined) view.savedTo = event.savedTo
        return finish(id, 'completed')
      case 'error':
        return finish(id, event.code === 'TRANSFER_CANCELLED' ? 'cancelled' : 'failed', { code: event.code, message: event.message })
      default:
        return undefined
    }
  }

  return {
    startSend (send): TransferView {
      const view: TransferView = {
        id: send.id,
        direction: 'send',
        peer: send.peer,
        names: send.names,
        status: send.status,
        bytes: 0,
        totalBytes: send.totalBytes,
        bytesPerSecond: 0,
        etaSeconds: null,
        startedAtMs: now()
      }
      transfers.set(send.id, { view, fileCount: send.fileCount })
      return view
    },
    startReceive (offer, connection): TransferView {
      const view: TransferView = {
        id: offer.transferId,
        transferId: offer.transferId,
        direction: 'receive',
        peer: offer.from,
        names: topLevelNames(offer.files.map(entry => entry.path)),
        status: 'waiting',
        bytes: 0,
        totalBytes: offer.totalBytes,
        bytesPerSecond: 0,
        etaSeconds: null,
        startedAtMs: now(),
        ...(connection === undefined ? {} : { connection })
      }
      transfers.set(offer.transferId, { view, fileCount: offer.fileCount })
      return view
    },
    apply,
    finish,
    update (id, change): void {
      const tracked = transfers.get(id)
      if (tracked !== undefined && !isFinished(tracked.view)) Object.assign(tracked.view, change)
    },
    get: id => transfers.get(id)?.view,
    list (): TransferView[] {
      const cutoff = now() - FINISHED_TRANSFER_KEEP_MS
      for (const [id, { view }] of transfers) {
        if (view.finishedAtMs !== undefined && view.finishedAtMs < cutoff) transfers.delete(id)
      }
      return [...transfers.values()].map(t => t.view).sort((a, b) => b.startedAtMs - a.startedAtMs)
    }
  }
}
