import { isAppError } from '@p2pft/protocol'
import { pino } from 'pino'
import { CLI_USAGE, parseCliConfig } from './config/index.ts'
import { SHUTDOWN_TIMEOUT_MS } from './constants.ts'
import { loadOrCreateRelayKey } from './relay/index.ts'
import { createSignalServer, type SignalServer } from './signal-server.ts'

/** Exit codes: 0 stopped cleanly, 1 failed while running or stopping, 2 bad flags or settings. */
const EXIT_FAILED = 1
const EXIT_USAGE = 2

/**
 * The `signal-server` command: reads flags and environment, starts the server,
 * prints one `listening` JSON line on stdout, and resolves with the exit code
 * once SIGTERM or SIGINT has stopped it.
 */
export async function main (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  let command
  try {
    command = parseCliConfig(argv, env)
  } catch (err) {
    if (!isAppError(err)) throw err
    process.stderr.write(`signal-server: ${err.message}\n`)
    return EXIT_USAGE
  }
  if (command.kind === 'help') {
    process.stdout.write(CLI_USAGE)
    return 0
  }
  const { config } = command
  const log = pino({ level: config.verbose ? 'debug' : 'warn' }, pino.destination({ dest: 2, sync: true }))

  let server: SignalServer
  try {
    server = await createSignalServer({ log }, {
      host: config.host,
      port: config.port,
      maxSessions: config.maxSessions,
      maxSessionsPerIp: config.maxSessionsPerIp,
      ipConnectsPerSecond: config.ipConnectRate,
      relay: config.relay && {
        port: config.relayPort,
        maxReservations: config.relayMaxReservations,
        maxReservationsPerIp: config.relayMaxReservationsPerIp,
        dataLimitBytes: config.relayDataLimitBytes,
        durationLimitSeconds: config.relayDurationLimitSeconds,
        ...(config.relayKeyFile == null ? {} : { privateKey: await loadOrCreateRelayKey(config.relayKeyFile) })
      },
      ...(config.laneRelayPort == null ? {} : { laneRelayPort: config.laneRelayPort })
    })
  } catch (err) {
    // The readable line below is the report; the log keeps the cause chain for --verbose.
    log.debug({ err }, 'signal server failed to start')
    process.stderr.write(`signal-server: ${err instanceof Error ? err.message : String(err)}\n`)
    return isAppError(err, 'CONFIG_INVALID', 'IDENTITY_INVALID') ? EXIT_USAGE : EXIT_FAILED
  }
  process.stdout.write(JSON.stringify({ event: 'listening', url: server.url, relay: server.relay, laneRelayPort: server.laneRelayPort }) + '\n')

  const signal = await new Promise<string>(resolve => {
    process.once('SIGTERM', () => { resolve('SIGTERM') })
    process.once('SIGINT', () => { resolve('SIGINT') })
  })
  log.info({ signal }, 'stopping')
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    server.close().then(() => 'closed' as const, (err: unknown) => { log.error({ err }, 'shutdown failed'); return 'failed' as const }),
    new Promise<'timeout'>(resolve => { timer = setTimeout(() => resolve('timeout'), SHUTDOWN_TIMEOUT_MS) })
  ])
  clearTimeout(timer)
  if (outcome === 'timeout') log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out')
  return outcome === 'closed' ? 0 : EXIT_FAILED
}
