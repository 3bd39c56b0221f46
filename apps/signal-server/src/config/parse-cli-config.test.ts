import assert from 'node:assert/strict'
import { it } from 'node:test'
import { isAppError } from '@p2pft/protocol'
import { parseCliConfig } from './parse-cli-config.ts'

function run (argv: string[], env: Record<string, string> = {}): Record<string, unknown> {
  const command = parseCliConfig(argv, env)
  assert.equal(command.kind, 'run')
  return command.kind === 'run' ? command.config : {}
}

it('defaults to a public server on 8787 with a generous relay on 8788', () => {
  assert.deepEqual(run([]), {
    host: '0.0.0.0',
    port: 8787,
    maxSessions: 10_000,
    maxSessionsPerIp: 128,
    ipConnectRate: 5,
    relay: true,
    relayPort: 8788,
    relayMaxReservations: 1024,
    relayMaxReservationsPerIp: 32,
    relayDataLimitBytes: 64 * 1024 ** 3,
    relayDurationLimitSeconds: 86_400,
    verbose: false
  })
})

it('reads every setting from flags, and flags win over the environment', () => {
  const config = run(
    ['--host', '127.0.0.1', '--port', '0', '--max-sessions', '50', '--max-sessions-per-ip', '4', '--ip-connect-rate', '2',
      '--relay-port', '0', '--relay-max-reservations', '5', '--relay-max-reservations-per-ip', '3', '--relay-data-limit', '1GiB',
      '--relay-duration-limit', '60', '--relay-key-file', '/tmp/k', '--lane-relay-port', '0', '--verbose'],
    { P2PFT_SIGNAL_PORT: '9000', P2PFT_SIGNAL_HOST: '10.0.0.1' }
  )
  assert.deepEqual(config, {
    host: '127.0.0.1',
    port: 0,
    maxSessions: 50,
    maxSessionsPerIp: 4,
    ipConnectRate: 2,
    relay: true,
    relayPort: 0,
    relayMaxReservations: 5,
    relayMaxReservationsPerIp: 3,
    relayDataLimitBytes: 1024 ** 3,
    relayDurationLimitSeconds: 60,
    relayKeyFile: '/tmp/k',
    laneRelayPort: 0,
    verbose: true
  })
})

it('reads every setting from the environment', () => {
  const config = run([], {
    P2PFT_SIGNAL_HOST: '::',
    P2PFT_SIGNAL_PORT: '9000',
    P2PFT_SIGNAL_MAX_SESSIONS: '100',
    P2PFT_SIGNAL_MAX_SESSIONS_PER_IP: '10',
    P2PFT_SIGNAL_IP_CONNECT_RATE: '20',
    P2PFT_RELAY_PORT: '9001',
    P2PFT_RELAY_MAX_RESERVATIONS: '7',
    P2PFT_RELAY_MAX_RESERVATIONS_PER_IP: '2',
    P2PFT_RELAY_DATA_LIMIT: '1048576',
    P2PFT_RELAY_DURATION_LIMIT: '3600',
    P2PFT_RELAY_KEY_FILE: '/var/lib/relay.key',
    P2PFT_LANE_RELAY_PORT: '9002',
    P2PFT_NO_RELAY: '1',
    P2PFT_SIGNAL_VERBOSE: 'yes'
  })
  assert.deepEqual(config, {
    host: '::',
    port: 9000,
    maxSessions: 100,
    maxSessionsPerIp: 10,
    ipConnectRate: 20,
    relay: false,
    relayPort: 9001,
    relayMaxReservations: 7,
    relayMaxReservationsPerIp: 2,
    relayDataLimitBytes: 1048576,
    relayDurationLimitSeconds: 3600,
    relayKeyFile: '/var/lib/relay.key',
    laneRelayPort: 9002,
    verbose: true
  })
  assert.equal(run(['--no-relay']).relay, false)
})

it('answers --help and -h', () => {
  assert.deepEqual(parseCliConfig(['--help'], {}), { kind: 'help' })
  assert.deepEqual(parseCliConfig(['-h'], {}), { kind: 'help' })
})

it('refuses bad flags and values with one sentence naming the culprit', () => {
  const cases: Array<[string[], Record<string, string>, string, RegExp]> = [
    [['--bogus'], {}, 'CLI_INVALID_ARGUMENTS', /--bogus/],
    [['positional'], {}, 'CLI_INVALID_ARGUMENTS', /positional/],
    [['--port'], {}, 'CLI_INVALID_ARGUMENTS', /--port/],
    [['--port', 'abc'], {}, 'CLI_INVALID_ARGUMENTS', /--port: expected a whole number/],
    [['--port', '70000'], {}, 'CONFIG_INVALID', /--port: must be <= 65535/],
    [[], { P2PFT_RELAY_PORT: '-1' }, 'CLI_INVALID_ARGUMENTS', /P2PFT_RELAY_PORT/],
    [['--relay-max-reservations', '0'], {}, 'CONFIG_INVALID', /--relay-max-reservations/],
    [['--relay-max-reservations-per-ip', '0'], {}, 'CONFIG_INVALID', /--relay-max-reservations-per-ip/],
    [['--max-sessions-per-ip', '0'], {}, 'CONFIG_INVALID', /--max-sessions-per-ip/],
    [[], { P2PFT_SIGNAL_IP_CONNECT_RATE: 'fast' }, 'CLI_INVALID_ARGUMENTS', /P2PFT_SIGNAL_IP_CONNECT_RATE/],
    [['--relay-data-limit', '5GB'], {}, 'CLI_INVALID_ARGUMENTS', /--relay-data-limit/],
    [['--relay-duration-limit', '99999999'], {}, 'CONFIG_INVALID', /--relay-duration-limit/],
    [['--host', 'localhost'], {}, 'CONFIG_INVALID', /--host: must be an IP address/],
    [[], { P2PFT_NO_RELAY: 'maybe' }, 'CLI_INVALID_ARGUMENTS', /P2PFT_NO_RELAY/]
  ]
  for (const [argv, env, code, message] of cases) {
    assert.throws(() => parseCliConfig(argv, env), (err: unknown) => {
      assert.ok(isAppError(err), `${argv.join(' ')}: ${String(err)}`)
      assert.equal(err.code, code, err.message)
      assert.match(err.message, message)
      assert.ok(!err.message.includes('\n'))
      return true
    })
  }
})
