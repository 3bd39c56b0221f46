import type { Logger } from 'pino'
import { AppError, TRANSFER_PROTOCOL_ID, toAppError, type ClientEvent } from '@p2pft/protocol'
import {
  createReceiveSessions, isResumable, receiveTransfer, type ByteStream, type IncomingOffer, type OfferDecision, type ReceiveResult, type ResumeStore
} from '@p2pft/transfer'
import type { Connection } from '@libp2p/interface'
import type { P2PNode } from '../p2p/create-p2p-node.ts'
import { createLaneServer, type LaneServer } from '../lane/lane-server.ts'
import { serveLaneTickets, type ServeLaneTicketsDeps } from '../lane/serve-lane-tickets.ts'
import { toByteStream } from '../p2p/byte-stream-adapter.ts'
import { describeConnection, routeHintsOf } from '../p2p/describe-connection.ts'
import { createOfferRateLimiter } from './offer-rate-limiter.ts'

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
  /** A blocked device's streams are reset before anything is read: no event, no prompt, nothing written. @default none blocked */
  isBlocked?: (peerId: string) => boolean
  /** Devices this one knows (paired, always accepted): their offers are not rate limited. @default none known */
  isKnown?: (peerId: string) => boolean
  /** Called when a transfer ends, however it ended. */
  onFinished?: (result: IncomingTransferOutcome) => void
  signal: AbortSignal
  /**
   * Where interrupted transfers keep their state, e.g. `createFileResumeStore({ dir: join(dataDir, 'transfers') })`.
   * @default none: nothing is resumable
   */
  resumeStore?: ResumeStore
  /** Whether a cancel keeps the partial data for later instead of removing it (asked as each transfer starts). @default never */
  keepPartialOnCancel?: () => boolean
  /**
   * Hosts to listen on for direct data lanes (§4.8), e.g. the libp2p TCP listen hosts.
   * @default none: every transfer comes over a libp2p stream
   */
  laneHosts?: string[]
  /**
   * A ticket for our signal server's lane relay, so a peer that reached us through its relay
   * gets a lane too (§4.9); needs `laneHosts`. @default none: relayed transfers stay inside libp2p
   */
  laneRelay?: ServeLaneTicketsDeps['laneRelay']
  /** Free bytes in a folder. @default statfs */
  freeBytes?: (dir: string) => Promise<number>
}

export interface IncomingTransfers {
  /**
   * Cancels a running receive: the sender is told (TRANSFER_CANCELLED, so it does not retry)
   * and the partial data goes unless `keepPartialOnCancel`. False if no such receive runs.
   */
  cancel: (transferId: string) => boolean
}

/** What serves incoming transfers, for its owner. */
export interface IncomingTransfersService extends IncomingTransfers {
  /** Stops taking new lanes (transfers running on them go on until they end). */
  close: () => void
}

/** Answers transfer streams: offer → decision → verified files in the download folder. */
export async function serveIncomingTransfers (deps: IncomingTransfersDeps): Promise<IncomingTransfersService> {
  const log = deps.log.child({ component: 'incoming-transfers' })
  const sessions = createReceiveSessions()
  const running = new Map<string, AbortController>()
  // Turns away floods of offers from unknown devices before anyone is asked.
  const offerLimiter = createOfferRateLimiter()
  /** One transfer from `connection`'s peer, over a libp2p stream or a lane opened with a ticket from that connection. */
  const receiveFrom = async (stream: ByteStream, connection: Connection, isLane: boolean): Promise<void> => {
    const peerId = connection.remotePeer.toString()
    let peer = { peerId, name: deps.nameOf(peerId) ?? peerId.slice(-8) }
    let transferId: string | undefined
    const cancelling = new AbortController()
    deps.report({ event: 'connection', peer, ...describeConnection(connection, routeHintsOf(deps.node)), ...(isLane ? { lane: true } : {}) })
    try {
      const result = await receiveTransfer({
        stream,
        downloadDir: deps.downloadDir(),
        log,
        signal: AbortSignal.any([deps.signal, cancelling.signal]),
        onEvent: deps.report,
        resumeStore: deps.resumeStore,
        senderPeerId: peerId,
        sessions,
        keepPartialOnCancel: deps.keepPartialOnCancel?.(),
        ...(deps.freeBytes === undefined ? {} : { freeBytes: deps.freeBytes }),
        decide: async (offer, context) => {
          transferId = offer.transferId
          running.set(offer.transferId, cancelling)
          // Before the offer is shown anywhere, so a flood makes no prompts, events or list entries.
          const limited = context.resumedBytes === undefined && deps.isKnown?.(peerId) !== true ? offerLimiter.take(peerId) : undefined
          if (limited !== undefined) {
            log.debug({ transferId: offer.transferId, peerId: peerId.slice(-8) }, 'offer declined: too many offers')
            return limited
          }
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
      if (error.code !== 'TRANSFER_DECLINED' && error.code !== 'TRANSFER_RATE_LIMITED') {
        log.warn({ err: error, transferId, peerId, resumable }, 'incoming transfer failed')
        deps.report({ event: 'error', code: error.code, message: resumable ? `${error.message} (paused: resumes when the sender tries again)` : error.message, ...(transferId === undefined ? {} : { transferId }) })
      }
      deps.onFinished?.({ ok: false, error, resumable })
    } finally {
      if (transferId !== undefined && running.get(transferId) === cancelling) running.delete(transferId)
    }
  }

  await deps.node.handle(TRANSFER_PROTOCOL_ID, async (stream, connection) => {
    if (deps.isBlocked?.(connection.remotePeer.toString()) === true) {
      log.debug({ peerId: connection.remotePeer.toString().slice(-8) }, 'dropped a stream from a blocked device')
      stream.abort(new Error('blocked'))
      return
    }
    await receiveFrom(toByteStream(stream), connection, false)
  }, { runOnLimitedConnection: true })

  let lanes: LaneServer<Connection> | undefined
  if (deps.laneHosts !== undefined && deps.laneHosts.length > 0) {
    try {
      lanes = await createLaneServer<Connection>({
        log,
        onLane: (stream, holder) => { void receiveFrom(stream, holder.context, true) }
      }, { hosts: deps.laneHosts })
      await serveLaneTickets({
        node: deps.node,
        lanes,
        log,
        isBlocked: peerId => deps.isBlocked?.(peerId) === true,
        canReachLanes: (connection) => {
          const { route } = describeConnection(connection, routeHintsOf(deps.node))
          return route === 'lan' || route === 'public'
        },
        laneRelay: deps.laneRelay
      })
    } catch (err) {
      // Transfers still arrive over libp2p connections, only slower.
      log.warn({ err }, 'cannot listen for direct data lanes; transfers use the libp2p connection')
      lanes?.close()
      lanes = undefined
    }
  }
  return {
    close () {
      lanes?.close()
    },
    cancel (transferId) {
      const controller = running.get(transferId)
      controller?.abort(new AppError('TRANSFER_CANCELLED', 'the receiver cancelled the transfer'))
      return controller !== undefined
    }
  }
}
