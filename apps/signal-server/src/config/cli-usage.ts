import { DEFAULT_HOST, DEFAULT_PORT } from './constants.ts'
import { IP_CONNECTS_PER_SECOND, MAX_SESSIONS, MAX_SESSIONS_PER_IP } from '../presence/index.ts'
import {
  DEFAULT_RELAY_DATA_LIMIT_BYTES, DEFAULT_RELAY_DURATION_LIMIT_SECONDS, DEFAULT_RELAY_MAX_RESERVATIONS, DEFAULT_RELAY_MAX_RESERVATIONS_PER_IP,
  DEFAULT_RELAY_PORT
} from '../relay/index.ts'
import { DEFAULT_LANE_RELAY_PORT } from '../lane-relay/index.ts'

/** What `signal-server --help` prints. */
export const CLI_USAGE = `Usage: signal-server [options]

Presence, rendezvous, a libp2p circuit relay and a lane relay for p2pft peers.

Options (each can also be set by the environment variable shown):
  --host IP                       listen address for HTTP and the relay     P2PFT_SIGNAL_HOST   (default ${DEFAULT_HOST})
  --port PORT                     HTTP + WebSocket port, 0 = any free port  P2PFT_SIGNAL_PORT   (default ${DEFAULT_PORT})
  --max-sessions N                WebSocket sessions at once                P2PFT_SIGNAL_MAX_SESSIONS   (default ${MAX_SESSIONS})
  --max-sessions-per-ip N         sessions from one IPv4 or IPv6 /64        P2PFT_SIGNAL_MAX_SESSIONS_PER_IP (default ${MAX_SESSIONS_PER_IP})
  --ip-connect-rate N             new connections/s from one address        P2PFT_SIGNAL_IP_CONNECT_RATE (default ${IP_CONNECTS_PER_SECOND})
  --relay-port PORT               relay TCP port, 0 = any free port         P2PFT_RELAY_PORT    (default ${DEFAULT_RELAY_PORT})
  --relay-max-reservations N      peers holding a relay slot at once        P2PFT_RELAY_MAX_RESERVATIONS (default ${DEFAULT_RELAY_MAX_RESERVATIONS})
  --relay-max-reservations-per-ip N  relay slots held by one address      P2PFT_RELAY_MAX_RESERVATIONS_PER_IP (default ${DEFAULT_RELAY_MAX_RESERVATIONS_PER_IP})
  --relay-data-limit BYTES        bytes per relayed connection, e.g. 64GiB  P2PFT_RELAY_DATA_LIMIT      (default ${DEFAULT_RELAY_DATA_LIMIT_BYTES / 1024 ** 3}GiB)
  --relay-duration-limit SECONDS  lifetime of a relayed connection          P2PFT_RELAY_DURATION_LIMIT  (default ${DEFAULT_RELAY_DURATION_LIMIT_SECONDS})
  --relay-key-file PATH           relay identity, created if missing        P2PFT_RELAY_KEY_FILE        (default: new PeerId each start)
  --lane-relay-port PORT          TCP port splicing relayed transfers' sealed lanes, 0 = any free port
                                                                            P2PFT_LANE_RELAY_PORT (default ${DEFAULT_LANE_RELAY_PORT}; 0 when --relay-port is 0)
  --no-relay                      run presence and rendezvous only          P2PFT_NO_RELAY=1
  --verbose                       debug logs on stderr (default: warnings)  P2PFT_SIGNAL_VERBOSE=1
  -h, --help                      show this help

On start one JSON line goes to stdout:
  {"event":"listening","url":"http://HOST:PORT","relay":{"peerId":"...","tcpPort":N,"multiaddrs":["..."]},"laneRelayPort":N}
Logs are JSON lines (pino) on stderr. SIGTERM or SIGINT stops the server.
`
