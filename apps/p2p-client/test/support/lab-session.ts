import { execFile } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { P2P_CLIENT_BIN, SIGNAL_SERVER_BIN, spawnJsonProcess, type JsonEvent, type JsonProcess } from './json-process.ts'
import { LAB_ADDRESSES, createNatLab, type NatLab, type NatLabOptions } from './nat-lab.ts'
import { hashFile, makeTempDir, writeRandomFile } from './test-files.ts'

const run = promisify(execFile)
const SERVER_ARGS = ['--server', `http://${LAB_ADDRESSES.server}:8787`, '--room', 'lab']

/** One lab, one signal server and one long-running receiver, reused by every send of a NAT configuration. */
export interface LabSession {
  lab: NatLab
  work: { path: string, cleanup: () => Promise<void> }
  processes: JsonProcess[]
  downloads: string
  receiver: JsonProcess
  withServer: boolean
}

export interface LabSessionOptions extends NatLabOptions {
  receiverHost: 'hostB' | 'hostC'
  /** Start the signal server (with its relay); without it the hosts only have mDNS. */
  withServer: boolean
  /** Limit the server's output (the relay) to this rate. */
  relayRateMbit?: number
}

/** What one `send` did: for assertions (and their messages) and for the lab report. */
export interface SendResult {
  run: number
  exit: number | null
  intact: boolean
  /** The sender's `connection` events in order, e.g. `relayed`, `direct/hole-punch`. */
  connections: string[]
  remoteAddr: string
  /** From the sender's start to its first and to its last `connection` event (start-up and discovery included). */
  firstConnectionMs?: number
  lastConnectionMs?: number
  /** The sender's `done` duration: stream open → all verified. */
  transferMs?: number
  /** The sender's wall time. */
  ms: number
  error?: string
}

function inHost (session: Pick<LabSession, 'lab' | 'processes'>, host: keyof NatLab['ns'], bin: string, args: string[], env: NodeJS.ProcessEnv = {}): JsonProcess {
  const child = spawnJsonProcess(bin, { wrapper: session.lab.exec(host), args, env: { P2PFT_SERVER: '', ...env } })
  session.processes.push(child)
  return child
}

/**
 * Builds the lab, starts the server (if asked) and a receiver named LabBob that
 * accepts everything until stopped. Always pair with `stopLabSession`.
 */
export async function startLabSession (options: LabSessionOptions): Promise<LabSession> {
  const partial: Partial<LabSession> & Pick<LabSession, 'processes'> = { processes: [], withServer: options.withServer }
  try {
    partial.lab = await createNatLab(options)
    partial.work = await makeTempDir('lab')
    const session = partial as Pick<LabSession, 'lab' | 'processes' | 'work'>
    if (options.withServer) {
      const server = inHost(session, 'server', SIGNAL_SERVER_BIN, ['--host', LAB_ADDRESSES.server, '--port', '8787', '--relay-port', '8788'])
      await server.waitFor(e => e.event === 'listening')
    }
    if (options.relayRateMbit !== undefined) await session.lab.shapeServerLink(options.relayRateMbit)
    partial.downloads = join(session.work.path, 'downloads')
    partial.receiver = inHost(session, options.receiverHost, P2P_CLIENT_BIN, [
      'receive', '--name', 'LabBob', '--yes', '--json', ...(options.withServer ? SERVER_ARGS : []),
      '--data-dir', join(session.work.path, 'receiver-data'), '--dir', partial.downloads
    ])
    await partial.receiver.waitFor(e => e.event === 'listening')
    return partial as LabSession
  } catch (err) {
    await stopLabSession(partial)
    throw err
  }
}

export async function stopLabSession (session: Partial<LabSession> & Pick<LabSession, 'processes'> | undefined): Promise<void> {
  if (session === undefined) return
  await Promise.all(session.processes.map(async child => await child.stop('SIGKILL')))
  await session.lab?.destroy()
  await session.work?.cleanup()
}

/** One fresh file and a fresh sender (new identity, new ports) on host-a, to LabBob; waits for it to exit. */
export async function sendFromHostA (session: LabSession, runNumber: number, options: { sizeBytes: number, env?: NodeJS.ProcessEnv }): Promise<{ result: SendResult, sender: JsonProcess }> {
  const folder = join(session.work.path, `run-${runNumber}`)
  await mkdir(folder, { recursive: true })
  const name = `run-${runNumber}.bin`
  const source = join(folder, name)
  await writeRandomFile(source, options.sizeBytes)
  const startedMs = Date.now()
  const sender = inHost(session, 'hostA', P2P_CLIENT_BIN, [
    'send', '--to', 'LabBob', '--wait', '60', '--json', ...(session.withServer ? SERVER_ARGS : []),
    '--data-dir', join(folder, 'sender-data'), source
  ], options.env)
  let firstConnectionMs: number | undefined
  let lastConnectionMs: number | undefined
  let seen = 0
  // Timestamps as events arrive: the first connection, and the last one (a move to direct).
  const onLine = (): void => {
    const count = sender.events.filter(e => e.event === 'connection').length
    if (count === seen) return
    seen = count
    lastConnectionMs = Date.now() - startedMs
    firstConnectionMs ??= lastConnectionMs
  }
  sender.child.stdout?.on('data', () => { setImmediate(onLine) })
  const exit = await sender.exited
  onLine()
  const ms = Date.now() - startedMs
  const received = await hashFile(join(session.downloads, name)).catch(() => 'missing')
  const connections = sender.events.filter(e => e.event === 'connection')
  const done = sender.events.find(e => e.event === 'done')
  const result: SendResult = {
    run: runNumber,
    exit,
    intact: received === await hashFile(source),
    connections: connections.map(connectionLabel),
    remoteAddr: String(connections.at(-1)?.remoteAddr ?? ''),
    ...(firstConnectionMs === undefined ? {} : { firstConnectionMs }),
    ...(lastConnectionMs === undefined ? {} : { lastConnectionMs }),
    ...(typeof done?.durationMs === 'number' ? { transferMs: done.durationMs } : {}),
    ms
  }
  if (exit !== 0) result.error = `${JSON.stringify(sender.events.filter(e => e.event === 'error' || e.event === 'retrying'))} ${sender.stderr().slice(-500)}`
  return { result, sender }
}

/** `relayed`, `direct/hole-punch`, `direct/lan+lane` (the bytes on a data lane), … */
export function connectionLabel (event: JsonEvent): string {
  const label = event.route === undefined ? String(event.type) : `${String(event.type)}/${String(event.route)}`
  return event.lane === true ? `${label}+lane` : label
}

/** Waits until miniupnpd on nat-b forwards a port (the receiver asked for it), and returns that public port. */
export async function waitForUpnpMapping (lab: NatLab, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { stdout } = await run('ip', ['netns', 'exec', lab.ns.natB, 'nft', 'list', 'chain', 'inet', 'filter', 'prerouting_miniupnpd'])
    const port = /dport (\d+) dnat/.exec(stdout)?.[1]
    if (port !== undefined) return Number(port)
    if (Date.now() > deadline) throw new Error(`no UPnP mapping on nat-b after ${timeoutMs} ms:\n${stdout}`)
    await sleep(250)
  }
}
