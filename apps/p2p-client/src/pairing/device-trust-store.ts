import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import Type, { type Static } from 'typebox'
import { peerIdFromString } from '@libp2p/peer-id'
import { AppError, DisplayName, PairTag, PeerIdText, createSchemaDecoder } from '@p2pft/protocol'
import { makePrivateDir } from '../config/private-files.ts'
import { DEVICE_TRUST_FILE_NAME, LEGACY_TRUSTED_DEVICES_FILE_NAME, MAX_TRUSTED_DEVICES } from './constants.ts'
import { writePrivateFile } from '../config/write-private-file.ts'

/** One device this device knows something about: paired, auto-accepted, blocked (or several). */
const DeviceRecord = Type.Object({
  peerId: PeerIdText,
  name: Type.String({ maxLength: 256 }),
  /** Set by a completed pairing; the tag is what the signal server matches. */
  pairedAtMs: Type.Optional(Type.Integer({ minimum: 0 })),
  pairTag: Type.Optional(PairTag),
  /** "Always accept from this device". */
  autoAccept: Type.Boolean(),
  /** Offers are dropped silently and the device is hidden from lists. */
  blocked: Type.Boolean()
})
export type DeviceRecord = Static<typeof DeviceRecord>

const DeviceTrustFile = Type.Object({ version: Type.Literal(1), devices: Type.Array(DeviceRecord, { maxItems: MAX_TRUSTED_DEVICES }) })
/** The file `trusted-devices.json` of earlier versions: auto-accepted devices only. */
const LegacyTrustedDevicesFile = Type.Object({ peers: Type.Array(Type.Object({ peerId: PeerIdText, name: Type.String({ maxLength: 256 }) }), { maxItems: MAX_TRUSTED_DEVICES }) })

const decoder = createSchemaDecoder(DeviceTrustFile, 'CONFIG_INVALID', 'device trust file')
const legacyDecoder = createSchemaDecoder(LegacyTrustedDevicesFile, 'CONFIG_INVALID', 'trusted devices file')

export interface DeviceTrustStore {
  list: () => DeviceRecord[]
  get: (peerId: string) => DeviceRecord | undefined
  isBlocked: (peerId: string) => boolean
  /** Paired or marked "always accept". */
  isAutoAccepted: (peerId: string, acceptPaired: boolean) => boolean
  /** Tags of every paired device that is not blocked, for the signal server. */
  pairTags: () => string[]
  /** Stores a completed pairing (it also unblocks the device: pairing is an explicit choice). */
  addPaired: (device: { peerId: string, name: string, pairTag: string }, nowMs: number) => Promise<void>
  /** Sets "always accept" for exactly these devices; `names` fills names of devices not yet known. */
  setAutoAccepted: (peerIds: string[], names: ReadonlyMap<string, string>) => Promise<void>
  /** Forgets the pairing (and "always accept"); throws TRUST_DEVICE_NOT_FOUND for an unknown device. */
  unpair: (peerId: string) => Promise<void>
  block: (peerId: string, name: string | undefined) => Promise<void>
  unblock: (peerId: string) => Promise<void>
  /** Re-reads the file, e.g. after the CLI changed it while the daemon runs. */
  reload: () => Promise<void>
}

async function readText (path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new AppError('CONFIG_INVALID', `cannot read ${path}`, { cause: err })
  }
}

function parse<T> (path: string, text: string, decode: (text: string) => T): T {
  try {
    return decode(text)
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `${path}: ${(err as Error).message}; fix or delete the file`, { cause: err })
  }
}

/** Reads devices.json (migrating trusted-devices.json once), or starts empty. */
async function readDevices (dataDir: string): Promise<{ devices: DeviceRecord[], migrated: boolean }> {
  const path = join(dataDir, DEVICE_TRUST_FILE_NAME)
  const text = await readText(path)
  if (text !== undefined) return { devices: parse(path, text, decoder.decodeJson).devices, migrated: false }
  const legacyPath = join(dataDir, LEGACY_TRUSTED_DEVICES_FILE_NAME)
  const legacy = await readText(legacyPath)
  if (legacy === undefined) return { devices: [], migrated: false }
  const peers = parse(legacyPath, legacy, legacyDecoder.decodeJson).peers
  return { devices: peers.map(peer => ({ peerId: peer.peerId, name: peer.name, autoAccept: true, blocked: false })), migrated: true }
}

async function writeDevices (dataDir: string, devices: DeviceRecord[]): Promise<void> {
  const body = decoder.decode({ version: 1, devices })
  makePrivateDir(dataDir)
  await writePrivateFile(join(dataDir, DEVICE_TRUST_FILE_NAME), JSON.stringify(body, null, 2) + '\n')
}

/**
 * The device trust store (devices.json in the data dir, 0600): paired devices with their
 * pair tags, devices marked "always accept", and blocked devices, in one file. Every change
 * re-reads the file first, so a CLI command and the daemon do not undo each other's changes.
 */
export async function loadDeviceTrustStore (dataDir: string): Promise<DeviceTrustStore> {
  const first = await readDevices(dataDir)
  let devices = first.devices
  if (first.migrated) {
    await writeDevices(dataDir, devices)
    await rm(join(dataDir, LEGACY_TRUSTED_DEVICES_FILE_NAME), { force: true })
  }
  let queue: Promise<void> = Promise.resolve()

  /** Serializes read-modify-write cycles of this process. */
  const change = async (apply: (list: DeviceRecord[]) => DeviceRecord[]): Promise<void> => {
    const run = queue.then(async () => {
      const next = apply((await readDevices(dataDir)).devices)
      await writeDevices(dataDir, next)
      devices = next
    })
    queue = run.catch(() => {})
    await run
  }

  const upsert = (list: DeviceRecord[], peerId: string, update: (existing: DeviceRecord) => DeviceRecord, name = peerId.slice(-8)): DeviceRecord[] => {
    const existing = list.find(device => device.peerId === peerId) ?? { peerId, name, autoAccept: false, blocked: false }
    const updated = update(existing)
    const rest = list.filter(device => device.peerId !== peerId)
    // A record that says nothing any more is dropped, so the file only holds decisions.
    const meaningful = updated.pairTag !== undefined || updated.autoAccept || updated.blocked
    return meaningful ? [...rest, updated] : rest
  }

  const requireKnown = (peerId: string): void => {
    if (!devices.some(device => device.peerId === peerId)) throw new AppError('TRUST_DEVICE_NOT_FOUND', `no device ${peerId} is in this device's list`)
  }

  return {
    list: () => devices.map(device => ({ ...device })),
    get: peerId => devices.find(device => device.peerId === peerId),
    isBlocked: peerId => devices.some(device => device.peerId === peerId && device.blocked),
    isAutoAccepted: (peerId, acceptPaired) => devices.some(device => device.peerId === peerId && !device.blocked &&
      (device.autoAccept || (acceptPaired && device.pairTag !== undefined))),
    pairTags: () => devices.flatMap(device => device.pairTag !== undefined && !device.blocked ? [device.pairTag] : []),
    async addPaired ({ peerId, name, pairTag }, nowMs) {
      await change(list => upsert(list, peerId, existing => ({ ...existing, name, pairTag, pairedAtMs: nowMs, blocked: false }), name))
    },
    async setAutoAccepted (peerIds, names) {
      const wanted = new Set(peerIds)
      await change(list => {
        let next = list.map(device => ({ ...device, autoAccept: wanted.has(device.peerId) }))
        for (const peerId of wanted) next = upsert(next, peerId, existing => ({ ...existing, autoAccept: true }), names.get(peerId))
        return next.filter(device => device.pairTag !== undefined || device.autoAccept || device.blocked)
      })
    },
    async unpair (peerId) {
      requireKnown(peerId)
      await change(list => upsert(list, peerId, ({ pairTag: _tag, pairedAtMs: _at, ...rest }) => ({ ...rest, autoAccept: false })))
    },
    async block (peerId, name) {
      // Blocking works for devices never seen before, so a typo must not land in the file.
      try {
        peerIdFromString(peerId)
      } catch (err) {
        throw new AppError('TRUST_DEVICE_NOT_FOUND', `"${peerId}" is not a PeerId`, { cause: err })
      }
      await change(list => upsert(list, peerId, existing => ({ ...existing, blocked: true }), name))
    },
    async unblock (peerId) {
      requireKnown(peerId)
      await change(list => upsert(list, peerId, existing => ({ ...existing, blocked: false })))
    },
    async reload () {
      await queue
      devices = (await readDevices(dataDir)).devices
    }
  }
}
