import type { Logger } from 'pino'
import { TRANSFER_PROTOCOL_ID, toAppError, type ClientEvent } from '@p2pft/protocol'
import {
  createReceiveSessions, isResumable, receiveTransfer, type IncomingOffer, type OfferDecision, type ReceiveResult, type ResumeStore
} from '@p2pft/transfer'
import type { P2PNode } from '../p2p/create-p2p-node.ts'
import { toByteStream } from '../p2p/byte-stream-adapter.ts'
import { describeConnection } from '../p2p/describe-connection.ts'

export interface OfferContext {
  offer: IncomingOffer
  /** The authenticated sender (noise proved it owns this PeerId). */
  peerId: string
}

export type IncomingTransferOutcome =
  | { ok: true, value: ReceiveResult }
  /** `resumable`: the partial data and state were kept; the sender's next try continues. */
  | { ok: false, error: Error, resumable: boolean }

export interface IncomingTransfersDeps {
  node: P2PNode
  log: Logger
  downloadDir: () => string
  /** Accept or decline; may ask a person. Not asked again when an accepted transfer resumes. */
  decide: (context: OfferContext) => Promise<OfferDecision>
  report: (event: ClientEvent) => void
  /** The name we know a peer by (presence, LAN), if any. */
  nameOf: (peerId: string) => string | undefined
  /** Called when a transfer ends, however it ended. */
  onFinished?: (result: IncomingTransferOutcome) => void
  signal: AbortSignal
  /**
   * Where interrupted transfers keep their state, e.g. `createFileResumeStore({ dir: join(dataDir, 'transfers') })`.
   * @default none: nothing is resumable
   */
  resumeStore?: ResumeStore
  /** A cancel keeps the partial data for later instead of removing it. @default false */
  keepPartialOnCancel?: boolean
  /** Free bytes in a folder. @default statfs */
  freeBytes?: (dir: string) => Promise<number>
}

/** Answers transfer streams: offer → decision → verified files in the download folder. */
export async function serveIncomingTransfers (deps: IncomingTransfersDeps): Promise<void> {
  const log = deps.log.child({ component: 'incoming-transfers' })
  const sessions = createReceiveSessions()
  await deps.node.handle(TRANSFER_PROTOCOL_ID, async (stream, connection) => {
    const peerId = connection.remotePeer.toString()
    let peer = { peerId, name: deps.nameOf(peerId) ?? peerId.slice(-8) }
    let transferId: string | undefined
    deps.report({ event: 'connection', peer, ...describeConnection(connection) })
    try {
      const result = await receiveTransfer({
        stream: toByteStream(stream),
        downloadDir: deps.downloadDir(),
        log,
        signal: deps.signal,
        onEvent: deps.report,
        resumeStore: deps.resumeStore,
        senderPeerId: peerId,
        sessions,
        keepPartialOnCancel: deps.keepPartialOnCancel,
        ...(deps.freeBytes === undefined ? {} : { freeBytes: deps.freeBytes }),
        decide: async (offer, context) => {
          transferId = offer.transferId
          peer = { peerId, name: offer.senderName }
          deps.report({ event: 'offer', transferId: offer.transferId, from: peer, files: offer.entries, fileCount: offer.fileCount, totalBytes: offer.totalBytes })
          // Accepted before and interrupted: continue without asking again.
          const decision = context.resumedBytes !== undefined ? { accept: true as const } : await deps.decide({ offer, peerId })
          deps.report(decision.accept
            ? { event: 'accepted', transferId: offer.transferId, peer }
            : { event: 'declined', transferId: offer.transferId, peer, code: decision.code, message: decision.message })
          return decision
        }
      })
      log.info({ transferId: result.transferId, files: result.files, bytes: result.bytes, resumedBytes: result.resumedBytes, ms: result.durationMs }, 'transfer received')
      deps.onFinished?.({ ok: true, value: result })
    } catch (err) {
      const error = toAppError(err, 'INTERNAL_ERROR', 'the transfer failed unexpectedly')
      const resumable = isResumable(error)
      if (error.code !== 'TRANSFER_DECLINED') {
        log.warn({ err: error, transferId, peerId, resumable }, 'incoming transfer failed')
        deps.report({ event: 'error', code: error.code, message: resumable ? `${error.message} (paused: resumes when the sender tries again)` : error.message, ...(transferId === undefined ? {} : { transferId }) })
      }
      deps.onFinished?.({ ok: false, error, resumable })
    }
  }, { runOnLimitedConnection: true })
}
