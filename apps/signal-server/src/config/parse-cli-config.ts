import { isIP } from 'node:net'
import { parseArgs } from 'node:util'
import { AppError } from '@p2pft/protocol'
import { Compile } from 'typebox/compile'
import { IP_CONNECTS_PER_SECOND, MAX_SESSIONS, MAX_SESSIONS_PER_IP } from '../presence/index.ts'
import {
  DEFAULT_RELAY_DATA_LIMIT_BYTES, DEFAULT_RELAY_DURATION_LIMIT_SECONDS, DEFAULT_RELAY_MAX_RESERVATIONS, DEFAULT_RELAY_MAX_RESERVATIONS_PER_IP,
  DEFAULT_RELAY_PORT
} from '../relay/index.ts'
import { DEFAULT_HOST, DEFAULT_PORT } from './constants.ts'
import { parseByteSize } from './parse-byte-size.ts'
import { SignalServerConfig } from './signal-server-config.ts'

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'run', config: SignalServerConfig }

type ConfigKey = keyof SignalServerConfig
type SettingKind = 'string' | 'integer' | 'bytes' | 'flag'

/** One setting: its flag, its environment variable and how its text becomes a value. */
interface Setting {
  key: ConfigKey
  flag: string
  env: string
  kind: SettingKind
}

const SETTINGS: readonly Setting[] = [
  { key: 'host', flag: 'host', env: 'P2PFT_SIGNAL_HOST', kind: 'string' },
  { key: 'port', flag: 'port', env: 'P2PFT_SIGNAL_PORT', kind: 'integer' },
  { key: 'maxSessions', flag: 'max-sessions', env: 'P2PFT_SIGNAL_MAX_SESSIONS', kind: 'integer' },
  { key: 'maxSessionsPerIp', flag: 'max-sessions-per-ip', env: 'P2PFT_SIGNAL_MAX_SESSIONS_PER_IP', kind: 'integer' },
  { key: 'ipConnectRate', flag: 'ip-connect-rate', env: 'P2PFT_SIGNAL_IP_CONNECT_RATE', kind: 'integer' },
  { key: 'relayPort', flag: 'relay-port', env: 'P2PFT_RELAY_PORT', kind: 'integer' },
  { key: 'relayMaxReservations', flag: 'relay-max-reservations', env: 'P2PFT_RELAY_MAX_RESERVATIONS', kind: 'integer' },
  { key: 'relayMaxReservationsPerIp', flag: 'relay-max-reservations-per-ip', env: 'P2PFT_RELAY_MAX_RESERVATIONS_PER_IP', kind: 'integer' },
  { key: 'relayDataLimitBytes', flag: 'relay-data-limit', env: 'P2PFT_RELAY_DATA_LIMIT', kind: 'bytes' },
  { key: 'relayDurationLimitSeconds', flag: 'relay-duration-limit', env: 'P2PFT_RELAY_DURATION_LIMIT', kind: 'integer' },
  { key: 'relayKeyFile', flag: 'relay-key-file', env: 'P2PFT_RELAY_KEY_FILE', kind: 'string' },
  { key: 'laneRelayPort', flag: 'lane-relay-port', env: 'P2PFT_LANE_RELAY_PORT', kind: 'integer' },
  { key: 'relay', flag: 'no-relay', env: 'P2PFT_NO_RELAY', kind: 'flag' },
  { key: 'verbose', flag: 'verbose', env: 'P2PFT_SIGNAL_VERBOSE', kind: 'flag' }
]

const DEFAULTS: SignalServerConfig = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  maxSessions: MAX_SESSIONS,
  maxSessionsPerIp: MAX_SESSIONS_PER_IP,
  ipConnectRate: IP_CONNECTS_PER_SECOND,
  relay: true,
  relayPort: DEFAULT_RELAY_PORT,
  relayMaxReservations: DEFAULT_RELAY_MAX_RESERVATIONS,
  relayMaxReservationsPerIp: DEFAULT_RELAY_MAX_RESERVATIONS_PER_IP,
  relayDataLimitBytes: DEFAULT_RELAY_DATA_LIMIT_BYTES,
  relayDurationLimitSeconds: DEFAULT_RELAY_DURATION_LIMIT_SECONDS,
  verbose: false
}

const validator = Compile(SignalServerConfig)

/**
 * Turns the command line and environment into a validated config; a flag wins
 * over its environment variable, which wins over the default. Throws
 * CLI_INVALID_ARGUMENTS (unknown or malformed flags) or CONFIG_INVALID (a value out
 * of range), each with one sentence naming the flag or variable at fault.
 */
export function parseCliConfig (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  const options: Record<string, { type: 'boolean' | 'string', short?: string }> = { help: { type: 'boolean', short: 'h' } }
  for (const setting of SETTINGS) options[setting.flag] = { type: setting.kind === 'flag' ? 'boolean' : 'string' }
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values
  } catch (err) {
    // Node's messages continue with advice about positionals that does not apply here.
    const first = (err instanceof Error ? err.message : String(err)).split('. ')[0] ?? ''
    throw new AppError('CLI_INVALID_ARGUMENTS', `${first} (see --help)`, { cause: err })
  }
  if (values.help === true) return { kind: 'help' }

  const config: Record<string, unknown> = { ...DEFAULTS }
  const sourceOf = new Map<string, string>()
  for (const setting of SETTINGS) {
    const flagValue = values[setting.flag]
    const envValue = env[setting.env]
    if (flagValue != null) {
      sourceOf.set(setting.key, `--${setting.flag}`)
      config[setting.key] = valueOf(setting, flagValue, `--${setting.flag}`)
    } else if (envValue != null && envValue !== '') {
      sourceOf.set(setting.key, setting.env)
      config[setting.key] = valueOf(setting, envValue, setting.env)
    }
  }

  if (!validator.Check(config)) {
    const first = validator.Errors(config)[0]
    const key = first?.instancePath.split('/')[1] ?? ''
    const source = sourceOf.get(key) ?? key
    throw new AppError('CONFIG_INVALID', `${source}: ${first?.message ?? 'invalid value'}`)
  }
  if (isIP(config.host) === 0) {
    throw new AppError('CONFIG_INVALID', `${sourceOf.get('host') ?? 'host'}: must be an IP address, got "${config.host}"`)
  }
  return { kind: 'run', config }
}

function valueOf (setting: Setting, raw: string | boolean, source: string): unknown {
  switch (setting.kind) {
    case 'flag': {
      const on = typeof raw === 'boolean' ? raw : parseSwitch(raw, source)
      // --no-relay sets relay to false; the other switches are positive.
      return setting.key === 'relay' ? !on : on
    }
    case 'string':
      return raw
    case 'integer': {
      const text = String(raw).trim()
      if (!/^\d+$/.test(text)) throw new AppError('CLI_INVALID_ARGUMENTS', `${source}: expected a whole number, got "${String(raw)}"`)
      return Number(text)
    }
    case 'bytes': {
      const bytes = parseByteSize(String(raw))
      if (bytes == null) throw new AppError('CLI_INVALID_ARGUMENTS', `${source}: expected a byte count such as 1048576 or 64GiB, got "${String(raw)}"`)
      return bytes
    }
  }
}

function parseSwitch (text: string, source: string): boolean {
  const normalized = text.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(normalized)) return true
  if (['0', 'false', 'no', 'off'].includes(normalized)) return false
  throw new AppError('CLI_INVALID_ARGUMENTS', `${source}: expected 1/0, true/false, yes/no or on/off, got "${text}"`)
}
