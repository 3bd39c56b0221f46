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

/** A send saved by an earlier run of the daemon, shown stopped until the person resumes or cancels it. */
export interface RestoredSend extends Omit<NewSend, 'status'> {
  startedAtMs: number
  error: { code: string, message: string }
}

export interface TransferTracker {
  startSend: (send: NewSend) => TransferView
  restoreSend: (send: RestoredSend) => TransferView
  /** Brings a stopped send back to `connecting` (Resume); false if it is not stopped. */
  restart: (id: string) => boolean
  /** Marks whether a stopped send can be resumed. */
  setResumable: (id: string, resumable: boolean) => void
  /** A stopped send the person cancelled: shown as cancelled, no longer resumable. */
  discard: (id: string) => void
  startReceive: (offer: ClientEventOf<'offer'>, connection: 'direct' | 'relayed' | undefined) => TransferView
  /** Applies an event to the transfer `id`; returns the history record when it made the transfer end. */
  apply: (id: string, event: ClientEvent) => HistoryRecord | undefined
  /** Ends a transfer (first call wins); returns its history record. */
  finish: (id: string, result: HistoryResult, error?: { code: string, message: string }) => HistoryRecord | undefined
  /** Changes a send that is still preparing (its upload arrived). */
  update: (id: string, change: Partial<Pick<TransferView, 'status' | 'bytes' | 'totalBytes' | 'names'>>) => void
  get: (id: string) => TransferView | undefined
  /** Newest first; finished transfers older than FINISHED_TRANSFER_KEEP_MS are dropped (resumable ones stay). */
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
        if (event.route === undefined) delete view.connectionRoute
        else view.connectionRoute = event.route
        if (view.status === 'connecting' || view.status === 'paused') view.status = 'waiting'
        delete view.error
        return undefined
      case 'accepted':
        view.transferId = event.transferId
        view.status = 'transferring'
        delete view.error
        return undefined
      case 'retrying':
        // The engine retries by itself; the reason tells the person why it stopped.
        if (event.transferId !== undefined) view.transferId = event.transferId
        view.status = 'paused'
        view.bytesPerSecond = 0
        view.etaSeconds = null
        view.error = { code: event.reason.code, message: event.reason.message }
        return undefined
      case 'progress':
        view.transferId = event.transferId
        view.status = 'transferring'
        delete view.error
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
    restoreSend (send): TransferView {
      const view: TransferView = {
        id: send.id,
        direction: 'send',
        peer: send.peer,
        names: send.names,
        status: 'failed',
        bytes: 0,
        totalBytes: send.totalBytes,
        bytesPerSecond: 0,
        etaSeconds: null,
        startedAtMs: send.startedAtMs,
        finishedAtMs: now(),
        error: send.error,
        resumable: true
      }
      transfers.set(send.id, { view, fileCount: send.fileCount })
      return view
    },
    restart (id): boolean {
      const tracked = transfers.get(id)
      if (tracked === undefined || tracked.view.direction !== 'send' || tracked.view.status !== 'failed') return false
      const { view } = tracked
      view.status = 'connecting'
      view.bytesPerSecond = 0
      view.etaSeconds = null
      delete view.finishedAtMs
      delete view.error
      delete view.resumable
      delete tracked.durationMs
      return true
    },
    setResumable (id, resumable): void {
      const view = transfers.get(id)?.view
      if (view === undefined) return
      if (resumable) view.resumable = true
      else delete view.resumable
    },
    discard (id): void {
      const view = transfers.get(id)?.view
      if (view === undefined) return
      view.status = 'cancelled'
      view.error = { code: 'TRANSFER_CANCELLED', message: 'you cancelled the transfer' }
      delete view.resumable
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
        // A stopped send that can still be resumed stays until it is resumed or cancelled.
        if (view.finishedAtMs !== undefined && view.finishedAtMs < cutoff && view.resumable !== true) transfers.delete(id)
      }
      return [...transfers.values()].map(t => t.view).sort((a, b) => b.startedAtMs - a.startedAtMs)
    }
  }
}
