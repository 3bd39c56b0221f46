export { createRelayNode } from './relay-node.ts'
export type { RelayInfo, RelayNode, RelayNodeDeps, RelayNodeOptions } from './relay-node.ts'
export { loadOrCreateRelayKey } from './relay-key.ts'
export * from './constants.ts'
