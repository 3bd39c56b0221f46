import { hostname } from 'node:os'
import { AppError, MAX_DISPLAY_NAME_LENGTH, type DeviceView } from '@p2pft/protocol'
import type { DaemonClient } from '@p2pft/daemon-client'
import { loadOrCreateIdentity } from '../../identity/identity-store.ts'
import { loadDeviceTrustStore } from '../../pairing/device-trust-store.ts'
import { joinPairing, openPairing } from '../../pairing/pair-device.ts'
import { toDeviceView } from '../../pairing/pairing-service.ts'
import { stringFlag } from '../command-line.ts'
import type { CommandContext } from '../command-context.ts'
import { renderTerminalQrCode } from '../terminal-qr-code.ts'
import { findRunningDaemon } from './find-running-daemon.ts'

/** One line for people, or one JSON object with `--json`. */
function print (context: CommandContext, json: Record<string, unknown> & { event: string }, text: string): void {
  context.io.stdout.write(context.json ? JSON.stringify(json) + '\n' : text + '\n')
}

function printCode (context: CommandContext, code: string, expiresAtMs: number): void {
  const minutes = Math.round((expiresAtMs - Date.now()) / 60_000)
  print(context, { event: 'pairing-code', code, expiresAtMs },
    `${renderTerminalQrCode(code)}\nPairing code: ${code}\nType it on the other device (p2p-client pair ${code}, or "Enter code" in the app) within ${minutes} minutes.`)
}

function printPaired (context: CommandContext, device: DeviceView): void {
  print(context, { event: 'paired', peerId: device.peerId, name: device.name, fingerprint: device.fingerprint },
    `Paired with ${device.name}  ${device.peerId}\nFingerprint: ${device.fingerprint} (the other device shows the same words for this one)`)
}

/**
 * `p2p-client pair` shows a code and waits for the other device; `p2p-client pair CODE`
 * types the code another device shows. Goes through the running daemon when there is one.
 */
export async function runPair (context: CommandContext): Promise<number> {
  const [code, ...extra] = context.parsed.positionals
  if (extra.length > 0) throw new AppError('CLI_INVALID_ARGUMENTS', 'pair takes at most one code')
  const daemon = await findRunningDaemon(context)
  if (daemon !== undefined) return await pairThroughDaemon(context, daemon, code)

  const server = context.server
  if (server === undefined) throw new AppError('CLI_INVALID_ARGUMENTS', 'pairing needs a signal server: give --server URL (or set P2PFT_SERVER)')
  const privateKey = await loadOrCreateIdentity(context.dataDir)
  const trust = await loadDeviceTrustStore(context.dataDir)
  const name = ((stringFlag(context.parsed, 'name') ?? context.settings.name ?? hostname()).trim().slice(0, MAX_DISPLAY_NAME_LENGTH)) || 'device'
  const deps = { privateKey, log: context.log }
  const options = { server, name, signal: context.signal }
  let result
  if (code === undefined) {
    const opened = await openPairing(deps, options)
    printCode(context, opened.code, opened.expiresAtMs)
    result = await opened.result
  } else {
    result = await joinPairing(deps, { ...options, code })
  }
  await trust.addPaired(result, Date.now())
  const record = trust.get(result.peerId)
  if (record !== undefined) printPaired(context, toDeviceView(record, false))
  return 0
}

async function pairThroughDaemon (context: CommandContext, api: DaemonClient, code: string | undefined): Promise<number> {
  if (code !== undefined) {
    printPaired(context, await api.joinPairing(code))
    return 0
  }
  const started = await api.startPairing()
  if (started.code === undefined || started.expiresAtMs === undefined) throw new AppError('INTERNAL_ERROR', 'the daemon did not return a pairing code')
  printCode(context, started.code, started.expiresAtMs)
  const done = Promise.withResolvers<number>()
  const subscription = api.events({
    onMessage: (message) => {
      if (message.event !== 'state') return
      const pairing = message.state.pairing
      if (pairing?.status === 'paired' && pairing.device !== undefined) {
        printPaired(context, pairing.device)
        done.resolve(0)
      } else if (pairing?.status === 'failed' && pairing.error !== undefined) {
        done.reject(new AppError(pairing.error.code === 'PAIRING_CODE_MISMATCH' ? 'PAIRING_CODE_MISMATCH' : 'PAIRING_PEER_LEFT', pairing.error.message))
      } else if (pairing === null) {
        done.reject(new AppError('PAIRING_PEER_LEFT', 'the pairing was cancelled in the app'))
      }
    },
    onClose: () => { done.reject(new AppError('INTERNAL_ERROR', 'the daemon stopped during pairing')) }
  })
  const onAbort = (): void => { api.cancelPairing().catch(() => {}) }
  context.signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await done.promise
  } finally {
    context.signal.removeEventListener('abort', onAbort)
    subscription.close()
  }
}
