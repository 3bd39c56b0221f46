export { createLaneRelay } from './lane-relay.ts'
export type { LaneRelay, LaneRelayDeps, LaneRelayOptions } from './lane-relay.ts'
export * from './constants.ts'
