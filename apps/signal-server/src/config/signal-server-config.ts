import Type, { type Static } from 'typebox'
import { MAX_RELAY_DURATION_LIMIT_SECONDS } from '../relay/index.ts'
import { MAX_IP_CONNECT_RATE, MAX_RELAY_RESERVATIONS, MAX_SESSIONS_LIMIT } from './constants.ts'

const Port = Type.Integer({ minimum: 0, maximum: 65535 })

/** Everything the command line can set, after flags and environment are merged. */
export const SignalServerConfig = Type.Object({
  /** IP address to listen on (HTTP and relay). */
  host: Type.String({ minLength: 1, maxLength: 64 }),
  port: Port,
  maxSessions: Type.Integer({ minimum: 1, maximum: MAX_SESSIONS_LIMIT }),
  maxSessionsPerIp: Type.Integer({ minimum: 1, maximum: MAX_SESSIONS_LIMIT }),
  ipConnectRate: Type.Integer({ minimum: 1, maximum: MAX_IP_CONNECT_RATE }),
  relay: Type.Boolean(),
  relayPort: Port,
  relayMaxReservations: Type.Integer({ minimum: 1, maximum: MAX_RELAY_RESERVATIONS }),
  relayMaxReservationsPerIp: Type.Integer({ minimum: 1, maximum: MAX_RELAY_RESERVATIONS }),
  relayDataLimitBytes: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  relayDurationLimitSeconds: Type.Integer({ minimum: 1, maximum: MAX_RELAY_DURATION_LIMIT_SECONDS }),
  relayKeyFile: Type.Optional(Type.String({ minLength: 1 })),
  /** Absent: DEFAULT_LANE_RELAY_PORT, or 0 when relayPort is 0. */
  laneRelayPort: Type.Optional(Port),
  verbose: Type.Boolean()
}, { additionalProperties: false })

export type SignalServerConfig = Static<typeof SignalServerConfig>
