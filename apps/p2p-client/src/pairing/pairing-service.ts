import type { Logger } from 'pino'
import { AppError, toAppError, type DeviceView, type PairingView } from '@p2pft/protocol'
import type { Client } from '../client/create-client.ts'
import type { DeviceRecord } from './device-trust-store.ts'
import { joinPairing, openPairing } from './pair-device.ts'
import { peerFingerprint } from './peer-fingerprint.ts'

export interface PairingServiceDeps {
  client: Pick<Client, 'privateKey' | 'trust' | 'signal' | 'directory'>
  log: Logger
  /** Something the GUI shows changed. */
  onChange: () => void
  /** @default Date.now */
  now?: () => number
}

export interface PairingServiceOptions {
  /** The signal server pairing goes through; undefined makes pairing fail with a clear error. */
  server: string | undefined
  /** Our current display name, sent to the other device. */
  name: () => string
}

export interface PairingService {
  /** "Pair a device": a new code (any earlier pairing is cancelled). */
  start: () => Promise<PairingView>
  /** "Enter code": pairs with the device showing `code`, and resolves once both agreed. */
  join: (code: string) => Promise<DeviceView>
  cancel: () => void
  view: () => PairingView | null
  devices: () => DeviceView[]
  unpair: (peerId: string) => Promise<void>
  block: (peerId: string) => Promise<void>
  unblock: (peerId: string) => Promise<void>
  close: () => void
}

/** The view model of a trust-store record. */
export function toDeviceView (record: DeviceRecord, online: boolean): DeviceView {
  return {
    peerId: record.peerId,
    name: record.name,
    fingerprint: peerFingerprint(record.peerId),
    paired: record.pairTag !== undefined,
    ...(record.pairedAtMs === undefined ? {} : { pairedAtMs: record.pairedAtMs }),
    autoAccept: record.autoAccept,
    blocked: record.blocked,
    online
  }
}

/**
 * The daemon's side of pairing and device trust: runs one pairing at a time, stores its
 * result, keeps the signal server's pair tags in step, and lists the devices.
 */
export function createPairingService (deps: PairingServiceDeps, options: PairingServiceOptions): PairingService {
  const log = deps.log.child({ component: 'pairing' })
  const { client } = deps
  const now = deps.now ?? Date.now
  let current: PairingView | null = null
  let controller: AbortController | undefined

  const requireServer = (): string => {
    if (options.server === undefined) throw new AppError('CONFIG_INVALID', 'pairing needs a signal server: set one in Settings or with --server')
    return options.server
  }

  const trustChanged = (): void => {
    client.signal?.update({ pairTags: client.trust.pairTags() })
    deps.onChange()
  }

  const isOnline = (peerId: string): boolean => client.directory.list().some(peer => peer.peerId === peerId)

  const finish = async (attempt: AbortController, run: () => Promise<{ peerId: string, name: string, pairTag: string }>): Promise<DeviceView> => {
    try {
      const result = await run()
      await client.trust.addPaired(result, now())
      const record = client.trust.get(result.peerId)
      if (record === undefined) throw new AppError('INTERNAL_ERROR', 'the pairing was not stored')
      const device = toDeviceView(record, isOnline(result.peerId))
      log.info({ peerId: result.peerId.slice(-8) }, 'device paired')
      if (controller === attempt) current = { status: 'paired', device }
      trustChanged()
      return device
    } catch (err) {
      const error = toAppError(err, 'INTERNAL_ERROR', 'pairing failed unexpectedly')
      log.warn({ code: error.code }, 'pairing failed')
      if (controller === attempt) current = { status: 'failed', error: { code: error.code, message: error.message } }
      deps.onChange()
      throw error
    }
  }

  const begin = (): AbortController => {
    controller?.abort(new AppError('TRANSFER_CANCELLED', 'a new pairing started'))
    const attempt = new AbortController()
    controller = attempt
    return attempt
  }

  return {
    async start () {
      const server = requireServer()
      const attempt = begin()
      const opened = await openPairing({ privateKey: client.privateKey, log }, { server, name: options.name(), signal: attempt.signal })
      current = { status: 'waiting', code: opened.code, expiresAtMs: opened.expiresAtMs }
      deps.onChange()
      finish(attempt, async () => await opened.result).catch(() => { /* shown in the view */ })
      return current
    },
    async join (code) {
      const server = requireServer()
      const attempt = begin()
      current = { status: 'joining' }
      deps.onChange()
      return await finish(attempt, async () => await joinPairing({ privateKey: client.privateKey, log }, { server, name: options.name(), code, signal: attempt.signal }))
    },
    cancel () {
      controller?.abort(new AppError('TRANSFER_CANCELLED', 'pairing was cancelled'))
      controller = undefined
      current = null
      deps.onChange()
    },
    view: () => current,
    devices () {
      const online = new Set(client.directory.list().map(peer => peer.peerId))
      return client.trust.list().map(record => toDeviceView(record, online.has(record.peerId)))
    },
    async unpair (peerId) {
      await client.trust.unpair(peerId)
      trustChanged()
    },
    async block (peerId) {
      await client.trust.block(peerId, client.directory.list().find(peer => peer.peerId === peerId)?.name)
      trustChanged()
    },
    async unblock (peerId) {
      await client.trust.unblock(peerId)
      trustChanged()
    },
    close () {
      controller?.abort(new AppError('TRANSFER_CANCELLED', 'the daemon is shutting down'))
    }
  }
}
