import { AppError, type DeviceView } from '@p2pft/protocol'
import { loadDeviceTrustStore, type DeviceTrustStore } from '../../pairing/device-trust-store.ts'
import { toDeviceView } from '../../pairing/pairing-service.ts'
import type { CommandContext } from '../command-context.ts'
import { findRunningDaemon } from './find-running-daemon.ts'

function describe (device: DeviceView): string {
  const marks = [device.paired ? 'paired' : '', device.autoAccept ? 'always accept' : '', device.blocked ? 'blocked' : '', device.online ? 'online' : ''].filter(mark => mark !== '')
  return `${device.name}  ${device.peerId}\n  ${device.fingerprint}  (${marks.join(', ')})`
}

/** `p2p-client devices`: paired, "always accept" and blocked devices. */
export async function runDevices (context: CommandContext): Promise<number> {
  const daemon = await findRunningDaemon(context)
  const devices = daemon !== undefined
    ? (await daemon.state()).devices
    : (await loadDeviceTrustStore(context.dataDir)).list().map(record => toDeviceView(record, false))
  for (const device of devices) {
    context.io.stdout.write(context.json ? JSON.stringify({ event: 'device', ...device }) + '\n' : describe(device) + '\n')
  }
  if (devices.length === 0 && !context.json) context.io.stdout.write('No paired or blocked devices. Pair one with `p2p-client pair`.\n')
  return 0
}

type TrustAction = 'unpair' | 'block' | 'unblock'

const DONE_TEXT: Record<TrustAction, string> = { unpair: 'Unpaired', block: 'Blocked', unblock: 'Unblocked' }

/** `unpair PEER_ID`, `block PEER_ID`, `unblock PEER_ID`: through the running daemon, or on the data dir's trust store. */
async function runTrustAction (context: CommandContext, action: TrustAction): Promise<number> {
  const [peerId, ...extra] = context.parsed.positionals
  if (peerId === undefined || extra.length > 0) throw new AppError('CLI_INVALID_ARGUMENTS', `${action} takes one PeerId (see \`p2p-client devices\`)`)
  const daemon = await findRunningDaemon(context)
  if (daemon !== undefined) {
    if (action === 'unpair') await daemon.unpairDevice(peerId)
    else if (action === 'block') await daemon.blockDevice(peerId)
    else await daemon.unblockDevice(peerId)
  } else {
    const trust: DeviceTrustStore = await loadDeviceTrustStore(context.dataDir)
    if (action === 'block') await trust.block(peerId, undefined)
    else if (action === 'unpair') await trust.unpair(peerId)
    else await trust.unblock(peerId)
  }
  context.io.stdout.write(context.json ? JSON.stringify({ event: action, peerId }) + '\n' : `${DONE_TEXT[action]} ${peerId}\n`)
  return 0
}

export const runUnpair = async (context: CommandContext): Promise<number> => await runTrustAction(context, 'unpair')
export const runBlock = async (context: CommandContext): Promise<number> => await runTrustAction(context, 'block')
export const runUnblock = async (context: CommandContext): Promise<number> => await runTrustAction(context, 'unblock')
