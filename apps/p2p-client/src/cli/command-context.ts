import { resolve } from 'node:path'
import { pino, type Logger } from 'pino'
import { AppError } from '@p2pft/protocol'
import { defaultDataDir, defaultDownloadDir } from '../config/data-dir.ts'
import { loadSettings, type Settings } from '../config/settings-store.ts'
import type { ClientOptions } from '../client/create-client.ts'
import { booleanFlag, stringFlag, type ParsedCommand } from './command-line.ts'
import { createHumanReporter, createJsonReporter, type Report } from './reporter.ts'

export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
}

/** What every command needs, resolved once from flags, environment and settings. */
export interface CommandContext {
  parsed: ParsedCommand
  io: CommandIo
  log: Logger
  report: Report
  json: boolean
  dataDir: string
  settings: Settings
  server: string | undefined
  rooms: string[]
  /** Aborted on SIGINT/SIGTERM so transfers stop cleanly. */
  signal: AbortSignal
  /** The libp2p options shared by every command, with test knobs from the environment. */
  clientOptions: Pick<ClientOptions, 'dataDir' | 'server' | 'rooms' | 'mdns' | 'upnp' | 'listen' | 'userAgent' | 'log'>
}

const USER_AGENT = 'p2p-file-transfer/0.1.0'

export async function createCommandContext (parsed: ParsedCommand, io: CommandIo, signal: AbortSignal): Promise<CommandContext> {
  const json = booleanFlag(parsed, 'json')
  const log = pino({ level: booleanFlag(parsed, 'verbose') ? 'debug' : 'warn' }, pino.destination({ fd: 2, sync: true }))
  const dataDir = resolve(stringFlag(parsed, 'data-dir') ?? defaultDataDir(io.env))
  const settings = await loadSettings(dataDir)
  const server = stringFlag(parsed, 'server') ?? nonEmpty(io.env.P2PFT_SERVER) ?? settings.server
  const room = stringFlag(parsed, 'room') ?? settings.room
  const rooms = room === undefined ? [] : [room]
  return {
    parsed,
    io,
    log,
    json,
    report: json ? createJsonReporter(io.stdout) : createHumanReporter(io.stdout),
    dataDir,
    settings,
    server,
    rooms,
    signal,
    clientOptions: {
      dataDir,
      server,
      rooms,
      // P2PFT_MDNS=0 turns multicast off (tests on a shared host); P2PFT_LISTEN picks listen addresses.
      mdns: io.env.P2PFT_MDNS !== '0',
      // P2PFT_UPNP=0 turns UPnP off: its SSDP search multicasts too.
      upnp: io.env.P2PFT_UPNP !== '0',
      listen: parseListen(io.env.P2PFT_LISTEN),
      userAgent: USER_AGENT,
      log
    }
  }
}

/** The folder received files go to: flag, then settings, then ~/Downloads. */
export function resolveDownloadDir (context: CommandContext, flag: string): string {
  return resolve(stringFlag(context.parsed, flag) ?? context.settings.downloadDir ?? defaultDownloadDir())
}

function nonEmpty (value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

function parseListen (value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const addrs = value.split(',').map(addr => addr.trim())
  for (const addr of addrs) {
    if (!addr.startsWith('/')) throw new AppError('CONFIG_INVALID', `P2PFT_LISTEN must be comma-separated multiaddrs, got "${addr}"`)
  }
  return addrs
}
