import { randomUUID } from 'node:crypto'
import { mkdir, rm, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { Logger } from 'pino'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  AppError, toAppError, type ClientEvent, type DaemonEvent, type HistoryEntryView, type PeerView,
  type SettingsUpdateRequest, type SettingsView, type StateResponse, type UploadFile
} from '@p2pft/protocol'
import type { OfferDecision } from '@p2pft/transfer'
import type { Client } from '../client/create-client.ts'
import { loadSettings, saveSettings, type Settings } from '../config/settings-store.ts'
import { DAEMON_SEND_RETRY_FOR_MS, DEFAULT_PEER_WAIT_MS, STATE_PUSH_INTERVAL_MS } from '../constants.ts'
import { toHistoryEntryView, type HistoryRecord, type HistoryStore } from '../history/history-store.ts'
import { describeConnection, routeHintsOf } from '../p2p/describe-connection.ts'
import type { DirectoryPeer } from '../peers/peer-directory.ts'
import { toSignalWebSocketUrl } from '../signal/server-url.ts'
import type { IncomingTransfers, OfferContext } from '../transfers/incoming-transfers.ts'
import { sendFiles } from '../transfers/send-files.ts'
import type { OutgoingTransfer, OutgoingTransfersStore } from './outgoing-transfers-store.ts'
import { createPendingOffers } from './pending-offers.ts'
import { createStagedUpload, type StagedUpload } from './staged-upload.ts'
import { createTransferTracker, isFinished, topLevelNames } from './transfer-tracker.ts'
import { createPairingService, type PairingService } from '../pairing/pairing-service.ts'
import { peerFingerprint } from '../pairing/peer-fingerprint.ts'

export interface DaemonServiceDeps {
  client: Client
  history: HistoryStore
  /** Unfinished sends, kept across restarts so they can be resumed. */
  outgoing: OutgoingTransfersStore
  /** The running receives, to cancel one. */
  incoming: IncomingTransfers
  log: Logger
  /** Where the daemon itself prints events (`--json` lines or human lines). */
  report: (event: ClientEvent) => void
}

/** What the daemon runs with, after flags, environment and settings.json were combined. */
export interface DaemonServiceOptions {
  dataDir: string
  name: string
  /** The signal server the client is connected to (changing it needs a restart). */
  server: string | undefined
  room: string | undefined
  downloadDir: string
  autoAccept: boolean
  /** Accept offers from paired devices without asking (the "paired" auto-accept policy). */
  acceptPaired: boolean
  /** A cancelled receive keeps its partial data for later (`--keep-partial`, Settings). */
  keepPartial: boolean
  relayOnly: boolean
  /** Send over direct data lanes where the receiver offers one (P2PFT_LANE=0 turns them off). */
  lane: boolean
  dialogAvailable: boolean
  /** Sends an earlier run left unfinished: listed as stopped, with Resume. */
  restored?: OutgoingTransfer[]
  /** @default Date.now */
  now?: () => number
}

/** Dropped files being written to `dir` in the data dir, sent on while they arrive. */
export interface UploadHandle {
  id: string
  dir: string
  /** Aborted when the transfer ends early (cancelled, declined, failed): stop receiving the upload. */
  signal: AbortSignal
  /** The upload has written `bytes` in all. */
  received: (bytes: number) => void
  /** Every file is on disk: from now on the send survives a restart (Resume). */
  finish: () => Promise<void>
  fail: (error: AppError) => void
}

export interface DaemonService {
  state: () => StateResponse
  /** Every ClientEvent and (coalesced) state snapshot; the first message is a snapshot. */
  subscribe: (listener: (message: DaemonEvent) => void) => () => void
  /** The receiver's events (from serveReceiver): printed, tracked and streamed. */
  handleEvent: (event: ClientEvent) => void
  /** The receiver's decision: auto-accept, a trusted device, or the person at the GUI. */
  decide: (context: OfferContext) => Promise<OfferDecision>
  downloadDir: () => string
  keepPartial: () => boolean
  send: (to: string, paths: string[]) => Promise<{ id: string }>
  /** Starts sending dropped files as they arrive in a new folder under `uploadsDir`. */
  beginUpload: (to: string, files: UploadFile[], uploadsDir: string) => UploadHandle
  /** Cancels a transfer in any state; a stopped send is forgotten (its staged files deleted). */
  cancel: (id: string) => Promise<void>
  /** Continues a stopped send where it stopped. */
  resume: (id: string) => void
  answerOffer: (id: string, accept: boolean, alwaysAccept?: boolean) => Promise<void>
  updateSettings: (update: SettingsUpdateRequest) => Promise<SettingsView>
  history: () => HistoryEntryView[]
  historyEntry: (id: string) => HistoryEntryView | undefined
  clearHistory: () => void
  /** Pairing with a short code, and the paired / auto-accepted / blocked devices. */
  pairing: PairingService
  close: () => void
}

/**
 * The running device as the GUI and the API see it: peers, offers waiting for a person,
 * transfers in progress, settings and history. Everything the API does goes through here.
 */
export function createDaemonService (deps: DaemonServiceDeps, options: DaemonServiceOptions): DaemonService {
  const log = deps.log.child({ component: 'daemon' })
  const { client } = deps
  const now = options.now ?? Date.now
  const tracker = createTransferTracker(now)
  const listeners = new Set<(message: DaemonEvent) => void>()
  const controllers = new Map<string, AbortController>()
  const lastConnection = new Map<string, 'direct' | 'relayed'>()
  const closing = new AbortController()
  const current = {
    name: options.name,
    server: options.server,
    room: options.room,
    downloadDir: options.downloadDir,
    autoAccept: options.autoAccept,
    acceptPaired: options.acceptPaired,
    keepPartial: options.keepPartial
  }
  let signalConnected = false
  let historyRevision = 0
  let pushTimer: NodeJS.Timeout | undefined

  const broadcast = (message: DaemonEvent): void => {
    for (const listener of listeners) {
      try {
        listener(message)
      } catch (err) {
        log.warn({ err }, 'event listener threw')
      }
    }
  }

  /** Schedules one snapshot for everything that changed in the next interval. */
  const changed = (): void => {
    if (pushTimer !== undefined || listeners.size === 0) return
    pushTimer = setTimeout(() => {
      pushTimer = undefined
      broadcast({ event: 'state', state: state() })
    }, STATE_PUSH_INTERVAL_MS)
  }

  const offers = createPendingOffers({ onChange: changed })

  const record = (entry: HistoryRecord | undefined): void => {
    if (entry === undefined) return
    try {
      deps.history.add(entry)
      historyRevision++
    } catch (err) {
      log.warn({ err, transferId: entry.id }, 'could not write the history entry')
    }
    log.info({ transferId: entry.id, direction: entry.direction, result: entry.result, bytes: entry.totalBytes, ms: entry.durationMs }, 'transfer finished')
  }

  const connectionTo = (peerId: string): Pick<PeerView, 'connection' | 'connectionRoute'> => {
    let connections
    try {
      connections = client.node.getConnections(peerIdFromString(peerId))
    } catch {
      return { connection: null }
    }
    const hints = routeHintsOf(client.node)
    const direct = connections.map(c => describeConnection(c, hints)).find(c => c.type === 'direct')
    if (direct !== undefined) return { connection: 'direct', ...(direct.route === undefined ? {} : { connectionRoute: direct.route }) }
    return { connection: connections.length === 0 ? null : 'relayed' }
  }

  const settingsView = (): SettingsView => ({
    name: current.name,
    server: current.server ?? null,
    room: current.room ?? null,
    downloadDir: current.downloadDir,
    autoAccept: current.autoAccept ? 'all' : current.acceptPaired ? 'paired' : 'ask',
    trustedPeers: client.trust.list().filter(device => device.autoAccept && !device.blocked).map(device => ({ peerId: device.peerId, name: device.name })),
    keepPartial: current.keepPartial
  })

  function state (): StateResponse {
    return {
      self: {
        peerId: client.peerId,
        name: current.name,
        ...(options.server === undefined ? {} : { server: options.server }),
        signalConnected
      },
      // Blocked devices are hidden; the devices list still shows them, to unblock.
      peers: client.directory.list().filter(peer => !client.trust.isBlocked(peer.peerId)).map(peer => ({
        peerId: peer.peerId, name: peer.name, via: peer.via, ...connectionTo(peer.peerId),
        fingerprint: peerFingerprint(peer.peerId), paired: client.trust.get(peer.peerId)?.pairTag !== undefined
      })),
      devices: pairing.devices(),
      pairing: pairing.view(),
      transfers: tracker.list().map(view => ({ ...view })),
      offers: offers.list(),
      settings: settingsView(),
      restartNeeded: current.server !== options.server,
      dialogAvailable: options.dialogAvailable,
      historyRevision
    }
  }

  /** Prints, tracks and streams one event of transfer `id` (undefined: no transfer, e.g. presence). */
  const emit = (event: ClientEvent, id: string | undefined): void => {
    deps.report(event)
    if (id !== undefined) record(tracker.apply(id, event))
    broadcast(event)
    changed()
  }

  const findPeer = (to: string): DirectoryPeer => {
    const peers = client.directory.list()
    const byId = peers.find(peer => peer.peerId === to)
    if (byId !== undefined) return byId
    const byName = peers.filter(peer => peer.name.toLocaleLowerCase() === to.toLocaleLowerCase())
    if (byName.length === 1 && byName[0] !== undefined) return byName[0]
    throw new AppError('TRANSFER_PEER_NOT_FOUND', byName.length > 1
      ? `${byName.length} devices are called "${to}"; pick one by its PeerId`
      : `"${to}" is not online right now`)
  }

  /** A send ended for good: forget it, and delete the staged copies of dropped files. */
  const forget = async (saved: OutgoingTransfer): Promise<void> => {
    await deps.outgoing.remove(saved.id)
    if (saved.uploadDir !== undefined) await rm(saved.uploadDir, { recursive: true, force: true })
  }
  /** Sends whose dropped files are still arriving: not resumable until every byte is there. */
  const uploading = new Set<string>()

  /**
   * Sends in the background; the transfer's view and events tell how it goes. A lost
   * connection pauses it and it retries by itself (for DAEMON_SEND_RETRY_FOR_MS without
   * progress); a send that stopped stays resumable, also after a restart of the daemon.
   */
  const startSending = (id: string, saved: OutgoingTransfer, staged?: StagedUpload): AbortController => {
    const controller = new AbortController()
    controllers.set(id, controller)
    changed()
    sendFiles({
      client: { ...client, name: current.name },
      to: saved.peer.peerId,
      paths: saved.paths,
      ...(staged === undefined ? {} : { staged: { manifest: staged.manifest, readChunks: staged.readChunks } }),
      relayOnly: options.relayOnly,
      lane: options.lane,
      waitMs: DEFAULT_PEER_WAIT_MS,
      retryForMs: DAEMON_SEND_RETRY_FOR_MS,
      report: event => { emit(event, id) },
      log: deps.log,
      signal: AbortSignal.any([controller.signal, closing.signal])
    }).then(async () => {
      record(tracker.finish(id, 'completed'))
      // The last bytes may be verified before the upload's own ending ran: it has nothing left to keep.
      uploading.delete(id)
      await forget(saved)
    }, async (err: unknown) => {
      // Shutting down: the saved send is offered for Resume by the next run.
      if (closing.signal.aborted && !controller.signal.aborted) return
      // A cancel during a pause ends the backoff wait, which reports the last network error.
      const error = controller.signal.aborted
        ? toAppError(controller.signal.reason, 'TRANSFER_CANCELLED', 'you cancelled the transfer')
        : toAppError(err, 'INTERNAL_ERROR', `sending failed unexpectedly: ${(err as Error)?.message ?? String(err)}`)
      const isCancelled = controller.signal.aborted
      if (isCancelled) {
        // Forgotten before "cancelled" is reported, so whoever sees it finds nothing left to resume.
        uploading.delete(id)
        await forget(saved)
      }
      if (!(error.code === 'TRANSFER_DECLINED' && tracker.get(id)?.status === 'declined')) {
        const transferId = tracker.get(id)?.transferId
        emit({ event: 'error', code: error.code, message: error.message, ...(transferId === undefined ? {} : { transferId }) }, id)
      }
      if (isCancelled) return
      if (uploading.has(id)) {
        // Ended before its dropped files all arrived: stop the upload; nothing to resume.
        controller.abort(error)
        uploading.delete(id)
        await forget(saved)
      } else if (tracker.get(id)?.status === 'failed') {
        tracker.setResumable(id, true)
      } else {
        await forget(saved)
      }
    }).catch((err: unknown) => {
      log.warn({ err, id }, 'could not clean up after a send')
    }).finally(() => {
      controllers.delete(id)
      changed()
    })
    return controller
  }

  const setTrusted = async (peerIds: string[]): Promise<void> => {
    const known = new Map([...client.trust.list(), ...client.directory.list()].map(peer => [peer.peerId, peer.name]))
    await client.trust.setAutoAccepted(peerIds, known)
  }

  const pairing = createPairingService({ client, log: deps.log, onChange: changed, now }, { server: options.server, name: () => current.name })

  for (const saved of options.restored ?? []) {
    tracker.restoreSend({ ...saved, error: { code: 'TRANSFER_INTERRUPTED', message: 'the app stopped before this transfer finished; press Resume to continue where it stopped' } })
  }

  client.directory.on('online', changed)
  client.directory.on('offline', changed)
  client.directory.on('updated', changed)
  client.node.addEventListener('connection:open', changed)
  client.node.addEventListener('connection:close', changed)
  client.signal?.on('registered', () => { signalConnected = true; changed() })
  client.signal?.on('disconnected', () => { signalConnected = false; changed() })

  return {
    state,
    subscribe (listener): () => void {
      listeners.add(listener)
      listener({ event: 'state', state: state() })
      return () => { listeners.delete(listener) }
    },
    handleEvent (event): void {
      if (event.event === 'connection') {
        lastConnection.set(event.peer.peerId, event.type)
        for (const view of tracker.list()) {
          if (view.direction !== 'receive' || view.peer.peerId !== event.peer.peerId || isFinished(view)) continue
          view.connection = event.type
          if (event.route === undefined) delete view.connectionRoute
          else view.connectionRoute = event.route
        }
      }
      if (event.event === 'offer') tracker.startReceive(event, lastConnection.get(event.from.peerId))
      emit(event, 'transferId' in event ? event.transferId : undefined)
    },
    async decide ({ offer, peerId }): Promise<OfferDecision> {
      if (current.autoAccept || client.trust.isAutoAccepted(peerId, current.acceptPaired)) return { accept: true }
      return await offers.ask({
        id: offer.transferId,
        from: { peerId, name: offer.senderName },
        fingerprint: peerFingerprint(peerId),
        paired: client.trust.get(peerId)?.pairTag !== undefined,
        files: offer.entries,
        fileCount: offer.fileCount,
        totalBytes: offer.totalBytes,
        receivedAtMs: now()
      })
    },
    downloadDir: () => current.downloadDir,
    keepPartial: () => current.keepPartial,
    async send (to, paths): Promise<{ id: string }> {
      const peer = findPeer(to)
      for (const path of paths) {
        try {
          await stat(path)
        } catch (err) {
          throw new AppError('TRANSFER_SOURCE_NOT_FOUND', `cannot read "${path}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`, { cause: err })
        }
      }
      const saved: OutgoingTransfer = {
        id: randomUUID().replaceAll('-', ''),
        peer: { peerId: peer.peerId, name: peer.name },
        names: paths.map(path => basename(path)),
        paths: paths.map(path => resolve(path)),
        fileCount: paths.length,
        totalBytes: 0,
        startedAtMs: now()
      }
      await deps.outgoing.put(saved)
      tracker.startSend({ ...saved, status: 'connecting' })
      startSending(saved.id, saved)
      return { id: saved.id }
    },
    beginUpload (to, files, uploadsDir): UploadHandle {
      const peer = findPeer(to)
      const id = randomUUID().replaceAll('-', '')
      const dir = join(uploadsDir, id)
      const staged = createStagedUpload(files, dir, { nowMs: now() })
      const saved: OutgoingTransfer = {
        id,
        peer: { peerId: peer.peerId, name: peer.name },
        names: topLevelNames(files.map(file => file.path)),
        paths: staged.paths,
        fileCount: files.length,
        totalBytes: staged.manifest.totalBytes,
        startedAtMs: now(),
        uploadDir: dir
      }
      tracker.startSend({ ...saved, status: 'connecting' })
      uploading.add(id)
      const controller = startSending(id, saved, staged)
      return {
        id,
        dir,
        signal: AbortSignal.any([controller.signal, closing.signal]),
        received: staged.progress,
        finish: async () => {
          try {
            await staged.complete()
          } catch (err) {
            // The send ended meanwhile and its staged files are gone: nothing to keep.
            if (!uploading.has(id)) return
            throw err
          }
          if (uploading.delete(id)) await deps.outgoing.put(saved)
        },
        fail: (error) => {
          staged.fail(error)
          controller.abort(error)
        }
      }
    },
    async cancel (id): Promise<void> {
      const view = tracker.get(id)
      const saved = deps.outgoing.get(id)
      if (view !== undefined && view.resumable === true && !controllers.has(id) && saved !== undefined) {
        // Stopped, and only kept for a Resume: forget it.
        tracker.discard(id)
        await forget(saved)
        changed()
        return
      }
      if (view === undefined || isFinished(view)) throw new AppError('API_NOT_FOUND', 'no transfer in progress has that id')
      if (view.direction === 'send') {
        controllers.get(id)?.abort(new AppError('TRANSFER_CANCELLED', 'you cancelled the transfer'))
        // A send with no engine running has nobody else to report the cancel.
        if (!controllers.has(id)) record(tracker.finish(id, 'cancelled', { code: 'TRANSFER_CANCELLED', message: 'you cancelled the transfer' }))
      } else if (offers.get(id) !== undefined) {
        offers.answer(id, { accept: false, code: 'TRANSFER_DECLINED', message: 'the receiver declined the files' })
      } else {
        // The engine tells the sender (so it does not retry) and drops the partial data unless kept for later.
        // No receive running (e.g. waiting for the sender to come back): the connection is closed instead.
        if (!deps.incoming.cancel(view.transferId ?? id)) {
          for (const connection of client.node.getConnections(peerIdFromString(view.peer.peerId))) {
            connection.abort(new AppError('TRANSFER_CANCELLED', 'the receiver cancelled the transfer'))
          }
        }
        record(tracker.finish(id, 'cancelled', { code: 'TRANSFER_CANCELLED', message: 'you cancelled the transfer' }))
      }
      changed()
    },
    resume (id): void {
      const saved = deps.outgoing.get(id)
      if (saved === undefined || controllers.has(id) || !tracker.restart(id)) {
        throw new AppError('API_NOT_FOUND', 'this transfer cannot be resumed: it is running, finished or was cancelled')
      }
      startSending(id, saved)
    },
    async answerOffer (id, accept, alwaysAccept = false): Promise<void> {
      const offer = offers.get(id)
      if (offer === undefined) throw new AppError('API_NOT_FOUND', 'this offer is no longer waiting for an answer (it was answered, withdrawn or timed out)')
      if (accept && alwaysAccept && client.trust.get(offer.from.peerId)?.autoAccept !== true) {
        await setTrusted([...client.trust.list().filter(device => device.autoAccept).map(device => device.peerId), offer.from.peerId])
      }
      offers.answer(id, accept ? { accept: true } : { accept: false, code: 'TRANSFER_DECLINED', message: 'the receiver declined the files' })
    },
    async updateSettings (update): Promise<SettingsView> {
      const changes: Partial<Settings> = {}
      const cleared: Array<keyof Settings> = []
      if (update.server !== undefined && update.server !== null) toSignalWebSocketUrl(update.server)
      if (update.downloadDir !== undefined) {
        const dir = resolve(update.downloadDir)
        try {
          await mkdir(dir, { recursive: true })
        } catch (err) {
          throw new AppError('CONFIG_INVALID', `cannot use ${dir} as the download folder: ${(err as Error).message}`, { cause: err })
        }
        changes.downloadDir = dir
      }
      if (update.name !== undefined) changes.name = update.name.trim()
      if (update.room === null) cleared.push('room')
      else if (update.room !== undefined) changes.room = update.room
      if (update.server === null) cleared.push('server')
      else if (update.server !== undefined) changes.server = update.server
      if (update.autoAccept !== undefined) {
        changes.autoAccept = update.autoAccept === 'all'
        changes.acceptPaired = update.autoAccept === 'paired'
      }
      if (update.keepPartial !== undefined) changes.keepPartial = update.keepPartial

      const saved = { ...await loadSettings(options.dataDir), ...changes }
      for (const key of cleared) delete saved[key]
      await saveSettings(options.dataDir, saved)
      if (update.trustedPeers !== undefined) await setTrusted(update.trustedPeers)

      if (changes.name !== undefined && changes.name !== current.name) {
        current.name = changes.name
        client.signal?.update({ name: changes.name })
      }
      if (update.room !== undefined) {
        current.room = update.room ?? undefined
        client.signal?.update({ rooms: update.room === null ? [] : [update.room] })
      }
      if (update.server !== undefined) current.server = update.server ?? undefined
      if (changes.downloadDir !== undefined) current.downloadDir = changes.downloadDir
      if (changes.autoAccept !== undefined) current.autoAccept = changes.autoAccept
      if (changes.acceptPaired !== undefined) current.acceptPaired = changes.acceptPaired
      if (changes.keepPartial !== undefined) current.keepPartial = changes.keepPartial
      log.info({ fields: Object.keys(update) }, 'settings changed')
      changed()
      return settingsView()
    },
    history: () => deps.history.list().map(toHistoryEntryView),
    historyEntry (id): HistoryEntryView | undefined {
      const entry = deps.history.get(id)
      return entry === undefined ? undefined : toHistoryEntryView(entry)
    },
    clearHistory (): void {
      deps.history.clear()
      historyRevision++
      changed()
    },
    pairing,
    close (): void {
      closing.abort(new AppError('TRANSFER_CANCELLED', 'the daemon is shutting down'))
      pairing.close()
      offers.declineAll({ accept: false, code: 'TRANSFER_DECLINED', message: 'the receiver is shutting down' })
      clearTimeout(pushTimer)
      listeners.clear()
      client.directory.off('online', changed)
      client.directory.off('offline', changed)
      client.directory.off('updated', changed)
      client.node.removeEventListener('connection:open', changed)
      client.node.removeEventListener('connection:close', changed)
    }
  }
}
