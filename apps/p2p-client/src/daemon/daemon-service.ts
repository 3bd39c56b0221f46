import { randomUUID } from 'node:crypto'
import { mkdir, stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { Logger } from 'pino'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  AppError, toAppError, type ClientEvent, type DaemonEvent, type HistoryEntryView, type PeerView,
  type SettingsUpdateRequest, type SettingsView, type StateResponse, type UploadFile
} from '@p2pft/protocol'
import type { OfferDecision } from '@p2pft/transfer'
import type { Client } from '../client/create-client.ts'
import { loadSettings, saveSettings, type Settings } from '../config/settings-store.ts'
import { DEFAULT_PEER_WAIT_MS, STATE_PUSH_INTERVAL_MS } from '../constants.ts'
import { toHistoryEntryView, type HistoryRecord, type HistoryStore } from '../history/history-store.ts'
import { describeConnection } from '../p2p/describe-connection.ts'
import type { DirectoryPeer } from '../peers/peer-directory.ts'
import { toSignalWebSocketUrl } from '../signal/server-url.ts'
import type { OfferContext } from '../transfers/incoming-transfers.ts'
import { sendFiles } from '../transfers/send-files.ts'
import { createPendingOffers } from './pending-offers.ts'
import { createTransferTracker, isFinished, topLevelNames } from './transfer-tracker.ts'
import { saveTrustedDevices, type TrustedDevice } from './trusted-devices.ts'

export interface DaemonServiceDeps {
  client: Client
  history: HistoryStore
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
  trusted: TrustedDevice[]
  relayOnly: boolean
  dialogAvailable: boolean
  /** @default Date.now */
  now?: () => number
}

/** Dropped files being written to the data dir before they are sent. */
export interface UploadHandle {
  id: string
  /** Aborted when the person cancels the transfer. */
  signal: AbortSignal
  received: (bytes: number) => void
  /** Every file is on disk: send `paths`, then run `cleanup`. */
  finish: (paths: string[], cleanup: () => Promise<void>) => void
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
  send: (to: string, paths: string[]) => Promise<{ id: string }>
  beginUpload: (to: string, files: UploadFile[]) => UploadHandle
  cancel: (id: string) => void
  answerOffer: (id: string, accept: boolean, alwaysAccept?: boolean) => Promise<void>
  updateSettings: (update: SettingsUpdateRequest) => Promise<SettingsView>
  history: () => HistoryEntryView[]
  historyEntry: (id: string) => HistoryEntryView | undefined
  clearHistory: () => void
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
    trusted: [...options.trusted]
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

  const connectionTo = (peerId: string): PeerView['connection'] => {
    let connections
    try {
      connections = client.node.getConnections(peerIdFromString(peerId))
    } catch {
      return null
    }
    if (connections.length === 0) return null
    return connections.some(c => describeConnection(c).type === 'direct') ? 'direct' : 'relayed'
  }

  const settingsView = (): SettingsView => ({
    name: current.name,
    server: current.server ?? null,
    room: current.room ?? null,
    downloadDir: current.downloadDir,
    autoAccept: current.autoAccept ? 'all' : 'ask',
    trustedPeers: current.trusted.map(peer => ({ ...peer }))
  })

  function state (): StateResponse {
    return {
      self: {
        peerId: client.peerId,
        name: current.name,
        ...(options.server === undefined ? {} : { server: options.server }),
        signalConnected
      },
      peers: client.directory.list().map(peer => ({ peerId: peer.peerId, name: peer.name, via: peer.via, connection: connectionTo(peer.peerId) })),
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

  /** Sends in the background; the transfer's view and events tell how it goes. */
  const startSending = (id: string, peer: DirectoryPeer, paths: string[], cleanup?: () => Promise<void>): void => {
    const controller = new AbortController()
    controllers.set(id, controller)
    tracker.update(id, { status: 'connecting', bytes: 0 })
    changed()
    sendFiles({
      client: { ...client, name: current.name },
      to: peer.peerId,
      paths,
      relayOnly: options.relayOnly,
      waitMs: DEFAULT_PEER_WAIT_MS,
      report: event => { emit(event, id) },
      log: deps.log,
      signal: AbortSignal.any([controller.signal, closing.signal])
    }).then(() => {
      record(tracker.finish(id, 'completed'))
    }, (err: unknown) => {
      const error = toAppError(err, 'INTERNAL_ERROR', `sending failed unexpectedly: ${(err as Error)?.message ?? String(err)}`)
      if (error.code === 'TRANSFER_DECLINED' && tracker.get(id)?.status === 'declined') return
      const transferId = tracker.get(id)?.transferId
      emit({ event: 'error', code: error.code, message: error.message, ...(transferId === undefined ? {} : { transferId }) }, id)
    }).finally(() => {
      controllers.delete(id)
      changed()
      cleanup?.().catch((err: unknown) => { log.warn({ err }, 'could not delete uploaded files') })
    })
  }

  const setTrusted = async (peerIds: string[]): Promise<void> => {
    const known = new Map([...current.trusted, ...client.directory.list()].map(peer => [peer.peerId, peer.name]))
    const next = [...new Set(peerIds)].map(peerId => ({ peerId, name: known.get(peerId) ?? peerId.slice(-8) }))
    await saveTrustedDevices(options.dataDir, next)
    current.trusted = next
  }

  client.directory.on('online', changed)
  client.directory.on('offline', changed)
  client.node.addEventListener('connection:open', changed)
  client.node.addEventListener('connection:close', changed)
  // Presence also changes names and rooms of peers already listed (the directory reports only arrivals and departures).
  client.signal?.on('peers', changed)
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
          if (view.direction === 'receive' && view.peer.peerId === event.peer.peerId && !isFinished(view)) view.connection = event.type
        }
      }
      if (event.event === 'offer') tracker.startReceive(event, lastConnection.get(event.from.peerId))
      emit(event, 'transferId' in event ? event.transferId : undefined)
    },
    async decide ({ offer, peerId }): Promise<OfferDecision> {
      if (current.autoAccept || current.trusted.some(peer => peer.peerId === peerId)) return { accept: true }
      return await offers.ask({
        id: offer.transferId,
        from: { peerId, name: offer.senderName },
        files: offer.entries,
        fileCount: offer.fileCount,
        totalBytes: offer.totalBytes,
        receivedAtMs: now()
      })
    },
    downloadDir: () => current.downloadDir,
    async send (to, paths): Promise<{ id: string }> {
      const peer = findPeer(to)
      for (const path of paths) {
        try {
          await stat(path)
        } catch (err) {
          throw new AppError('TRANSFER_SOURCE_NOT_FOUND', `cannot read "${path}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message}`, { cause: err })
        }
      }
      const id = randomUUID().replaceAll('-', '')
      tracker.startSend({ id, peer: { peerId: peer.peerId, name: peer.name }, names: paths.map(path => basename(path)), fileCount: paths.length, totalBytes: 0, status: 'connecting' })
      startSending(id, peer, paths)
      return { id }
    },
    beginUpload (to, files): UploadHandle {
      const peer = findPeer(to)
      const id = randomUUID().replaceAll('-', '')
      const controller = new AbortController()
      controllers.set(id, controller)
      tracker.startSend({
        id,
        peer: { peerId: peer.peerId, name: peer.name },
        names: topLevelNames(files.map(file => file.path)),
        fileCount: files.length,
        totalBytes: files.reduce((sum, file) => sum + file.size, 0),
        status: 'preparing'
      })
      changed()
      return {
        id,
        signal: AbortSignal.any([controller.signal, closing.signal]),
        received: (bytes) => { tracker.update(id, { bytes }); changed() },
        finish: (paths, cleanup) => {
          if (controller.signal.aborted || closing.signal.aborted) {
            cleanup().catch(() => {})
            return
          }
          startSending(id, peer, paths, cleanup)
        },
        fail: (error) => {
          controllers.delete(id)
          emit({ event: 'error', code: error.code, message: error.message }, id)
        }
      }
    },
    cancel (id): void {
      const view = tracker.get(id)
      if (view === undefined || isFinished(view)) throw new AppError('API_NOT_FOUND', 'no transfer in progress has that id')
      if (view.direction === 'send') {
        controllers.get(id)?.abort(new AppError('TRANSFER_CANCELLED', 'you cancelled the transfer'))
        // A send still preparing has no engine to report the cancel.
        if (view.status === 'preparing') record(tracker.finish(id, 'cancelled', { code: 'TRANSFER_CANCELLED', message: 'you cancelled the transfer' }))
      } else if (offers.get(id) !== undefined) {
        offers.answer(id, { accept: false, code: 'TRANSFER_DECLINED', message: 'the receiver declined the files' })
      } else {
        // The receiving engine has no per-transfer cancel: closing the connection ends it (the sender sees the peer go).
        for (const connection of client.node.getConnections(peerIdFromString(view.peer.peerId))) {
          connection.abort(new AppError('TRANSFER_CANCELLED', 'the receiver cancelled the transfer'))
        }
        record(tracker.finish(id, 'cancelled', { code: 'TRANSFER_CANCELLED', message: 'you cancelled the transfer' }))
      }
      changed()
    },
    async answerOffer (id, accept, alwaysAccept = false): Promise<void> {
      const offer = offers.get(id)
      if (offer === undefined) throw new AppError('API_NOT_FOUND', 'this offer is no longer waiting for an answer (it was answered, withdrawn or timed out)')
      if (accept && alwaysAccept && !current.trusted.some(peer => peer.peerId === offer.from.peerId)) {
        await setTrusted([...current.trusted.map(peer => peer.peerId), offer.from.peerId])
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
      if (update.autoAccept !== undefined) changes.autoAccept = update.autoAccept === 'all'

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
    close (): void {
      closing.abort(new AppError('TRANSFER_CANCELLED', 'the daemon is shutting down'))
      offers.declineAll({ accept: false, code: 'TRANSFER_DECLINED', message: 'the receiver is shutting down' })
      clearTimeout(pushTimer)
      listeners.clear()
      client.directory.off('online', changed)
      client.directory.off('offline', changed)
      client.node.removeEventListener('connection:open', changed)
      client.node.removeEventListener('connection:close', changed)
      client.signal?.off('peers', changed)
    }
  }
}
