import { parseArgs } from 'node:util'
import { AppError } from '@p2pft/protocol'

/** Options every command accepts. */
const COMMON_OPTIONS = {
  server: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' }
} as const

const COMMAND_OPTIONS = {
  daemon: {
    name: { type: 'string' },
    room: { type: 'string' },
    'download-dir': { type: 'string' },
    'auto-accept': { type: 'boolean' },
    'keep-partial': { type: 'boolean' },
    'no-gui': { type: 'boolean' }
  },
  peers: {
    room: { type: 'string' },
    watch: { type: 'boolean' }
  },
  send: {
    to: { type: 'string' },
    room: { type: 'string' },
    name: { type: 'string' },
    'relay-only': { type: 'boolean' },
    wait: { type: 'string' },
    'retry-for': { type: 'string' }
  },
  pair: {
    name: { type: 'string' }
  },
  devices: {},
  unpair: {},
  block: {},
  unblock: {},
  receive: {
    name: { type: 'string' },
    room: { type: 'string' },
    dir: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    once: { type: 'boolean' },
    'keep-partial': { type: 'boolean' }
  }
} as const

export type CommandName = keyof typeof COMMAND_OPTIONS

/** Commands that take plain arguments: paths, a pairing code, a PeerId. */
const POSITIONAL_COMMANDS: ReadonlySet<CommandName> = new Set(['send', 'pair', 'unpair', 'block', 'unblock'])

export const USAGE = `Usage:
  p2p-client daemon  [--name NAME] [--server URL] [--room NAME] [--data-dir DIR] [--download-dir DIR] [--auto-accept] [--keep-partial] [--no-gui] [--json]
  p2p-client peers   [--server URL] [--data-dir DIR] [--room NAME] [--watch] [--json]
  p2p-client send    --to NAME|PEER_ID [--server URL] [--data-dir DIR] [--room NAME] [--relay-only] [--wait SECONDS] [--retry-for SECONDS] [--json] PATH...
  p2p-client receive [--server URL] [--name NAME] [--data-dir DIR] [--room NAME] [--dir DIR] [--yes] [--once] [--keep-partial] [--json]
  p2p-client pair    [CODE] [--server URL] [--name NAME] [--data-dir DIR] [--json]   (no CODE: show a code for the other device)
  p2p-client devices [--data-dir DIR] [--json]
  p2p-client unpair|block|unblock PEER_ID [--data-dir DIR] [--json]

Every command also takes --verbose (logs to stderr) and --help.
--keep-partial: a cancelled transfer keeps its verified part (.part) to resume later; without it the part is deleted.
send --retry-for: once accepted, an interrupted transfer is retried (resuming) until it made no progress this long (default 300).
send and peers use the running daemon of the same --data-dir when there is one.
--server defaults to $P2PFT_SERVER; without a server the client works on the LAN alone (mDNS).`

export interface ParsedCommand {
  command: CommandName
  values: Record<string, string | boolean | undefined>
  positionals: string[]
}

function isCommandName (value: string | undefined): value is CommandName {
  return value !== undefined && Object.hasOwn(COMMAND_OPTIONS, value)
}

/** Parses argv strictly: unknown flags and misplaced values are errors, not surprises. */
export function parseCommandLine (argv: string[]): ParsedCommand | 'help' {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return 'help'
  if (!isCommandName(command)) {
    throw new AppError('CLI_INVALID_ARGUMENTS', `unknown command "${command}"; expected one of ${Object.keys(COMMAND_OPTIONS).join(', ')}`)
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...COMMAND_OPTIONS[command] },
      allowPositionals: POSITIONAL_COMMANDS.has(command),
      strict: true
    })
    if (values.help === true) return 'help'
    // parseArgs already checked each flag's type; this only widens the per-command shape.
    const flags: ParsedCommand['values'] = {}
    for (const [key, value] of Object.entries(values)) {
      if (typeof value === 'string' || typeof value === 'boolean') flags[key] = value
    }
    return { command, values: flags, positionals }
  } catch (err) {
    throw new AppError('CLI_INVALID_ARGUMENTS', (err as Error).message, { cause: err })
  }
}

/** A string flag, or undefined; empty strings are errors. */
export function stringFlag (parsed: ParsedCommand, name: string): string | undefined {
  const value = parsed.values[name]
  if (value === undefined || typeof value === 'boolean') return undefined
  if (value.trim() === '') throw new AppError('CLI_INVALID_ARGUMENTS', `--${name} must not be empty`)
  return value
}

export function booleanFlag (parsed: ParsedCommand, name: string): boolean {
  return parsed.values[name] === true
}

/** A positive number of seconds, as milliseconds. */
export function secondsFlagMs (parsed: ParsedCommand, name: string, defaultMs: number): number {
  const text = stringFlag(parsed, name)
  if (text === undefined) return defaultMs
  const seconds = Number(text)
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new AppError('CLI_INVALID_ARGUMENTS', `--${name} takes a number of seconds, got "${text}"`)
  }
  return seconds * 1000
}
