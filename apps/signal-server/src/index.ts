export { createSignalServer } from './signal-server.ts'
export type { SignalServer, SignalServerDeps, SignalServerOptions } from './signal-server.ts'
export type { RelayInfo } from './relay/index.ts'
export type { ObservedAddress } from './presence/index.ts'
