import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnMeasured, withTimeout, type MeasuredProcess, type ProcessStats } from '../measure/process-stats.ts'
import type { CaseRun } from './bench-case.ts'

const P2P_CLIENT_BIN = fileURLToPath(new URL('../../apps/p2p-client/bin/p2p-client.js', import.meta.url))
/** Loopback only: no multicast and no listening on the machine's real interfaces. */
const LOOPBACK_CLIENT_ENV = { P2PFT_MDNS: '0', P2PFT_UPNP: '0', P2PFT_LISTEN: '/ip4/127.0.0.1/tcp/0' }
const LISTENING_TIMEOUT_MS = 30_000

export interface P2pTransferOptions {
  serverUrl: string
  paths: string[]
  /** This run's folder: the receiver's identity and downloads go here. */
  runDir: string
  /** Reused across runs, so the sender's identity is made once. */
  senderDataDir: string
  /** `lane`: direct over a data lane (the default), `stream`: direct inside the libp2p connection (lanes off), `relayed`: through the relay (on a lane its lane relay splices). */
  path: TransferPath
  timeoutMs: number
  /** Write a V8 CPU profile of both client processes here. @default none */
  cpuProfDir?: string
}

export type TransferPath = 'lane' | 'stream' | 'relayed'

export interface P2pTransferResult {
  /** Sender spawned → sender exited: start-up, discovery, dial, offer, transfer, verification. */
  wallMs: number
  /** The sender's `done` event: stream opened → every file verified by the receiver. */
  transferMs: number
  sender: ProcessStats | null
  receiver: ProcessStats | null
  downloads: string
  /** From the sender's `connection` event, e.g. `direct tcp lane`. */
  connection: string
}

type JsonEvent = Record<string, unknown> & { event: string }

/** A verified transfer as a row of the report: what was moved, and how the run went. */
export function toCaseRun (result: P2pTransferResult, moved: { bytes: number, files: number }): CaseRun {
  return {
    bytes: moved.bytes,
    files: moved.files,
    wallMs: result.wallMs,
    transferMs: result.transferMs,
    sender: result.sender,
    receiver: result.receiver,
    detail: result.connection
  }
}

/** `p2p-client receive --yes --once` and `p2p-client send`, both real processes, end to end. */
export async function runP2pTransfer (options: P2pTransferOptions): Promise<P2pTransferResult> {
  const downloads = join(options.runDir, 'downloads')
  await mkdir(downloads, { recursive: true })
  const running: MeasuredProcess[] = []
  const nodeArgs = options.cpuProfDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir]
  try {
    const pathEnv = options.path === 'stream' ? { P2PFT_LANE: '0' } : {}
    const receiver = spawnMeasured(process.execPath, [
      ...nodeArgs, P2P_CLIENT_BIN, 'receive', '--yes', '--once', '--json', '--name', 'bench-receiver',
      '--server', options.serverUrl, '--data-dir', join(options.runDir, 'receiver-data'), '--dir', downloads
    ], { env: { ...LOOPBACK_CLIENT_ENV, ...pathEnv } })
    running.push(receiver)
    const listening = parseEvent(await receiver.waitForLine('stdout', line => line.includes('"listening"'), LISTENING_TIMEOUT_MS))
    // By PeerId, so a previous run's receiver still listed by the server cannot be picked.
    const sender = spawnMeasured(process.execPath, [
      ...nodeArgs, P2P_CLIENT_BIN, 'send', '--json', '--to', String(listening.peerId),
      '--server', options.serverUrl, '--data-dir', options.senderDataDir, ...options.paths
    ], { env: { ...LOOPBACK_CLIENT_ENV, ...pathEnv, ...(options.path === 'relayed' ? { P2PFT_RELAY_ONLY: '1' } : {}) } })
    running.push(sender)

    const sent = await withTimeout(sender, options.timeoutMs)
    const received = await withTimeout(receiver, LISTENING_TIMEOUT_MS)
    if (sent.code !== 0) throw new Error(`p2p-client send failed (${sent.code ?? sent.signal}):\n${sender.stdout()}\n${sender.stderr()}`)
    if (received.code !== 0) throw new Error(`p2p-client receive failed (${received.code ?? received.signal}):\n${receiver.stdout()}\n${receiver.stderr()}`)

    const events = sender.stdout().split('\n').filter(line => line.startsWith('{')).map(parseEvent)
    const connection = events.find(event => event.event === 'connection')
    const done = events.find(event => event.event === 'done')
    if (connection === undefined || done === undefined) throw new Error(`p2p-client send exited 0 without connection and done events:\n${sender.stdout()}`)
    const expected = options.path === 'relayed' ? 'relayed' : 'direct'
    if (connection.type !== expected) throw new Error(`expected a ${expected} connection, got ${String(connection.type)} (${String(connection.remoteAddr)})`)
    // A lane that silently fell back would measure the wrong path (relayed ones run on a lane the signal server splices).
    const wantsLane = options.path !== 'stream'
    if ((connection.lane === true) !== wantsLane) throw new Error(`expected ${wantsLane ? 'a' : 'no'} data lane, got lane=${String(connection.lane)}`)
    return {
      wallMs: sent.wallMs,
      transferMs: Number(done.durationMs),
      sender: sent.stats,
      receiver: received.stats,
      downloads,
      connection: `${String(connection.type)} ${String(connection.transport)}${connection.lane === true ? ' lane' : ''}`
    }
  } finally {
    for (const process of running) process.kill('SIGKILL')
  }
}

function parseEvent (line: string): JsonEvent {
  const parsed: unknown = JSON.parse(line)
  if (typeof parsed !== 'object' || parsed === null || !('event' in parsed) || typeof parsed.event !== 'string') throw new Error(`not a client event: ${line}`)
  return parsed as JsonEvent
}
