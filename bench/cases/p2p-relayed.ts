import type { SourceFile } from '../source-files.ts'
import type { BenchCase } from './bench-case.ts'
import { sendOneFile, type P2pCaseDeps } from './p2p-direct.ts'

/** Ours through the signal server (the sender dials only relay addresses; the bytes go on a lane its lane relay splices). */
export function createP2pRelayedCase (deps: P2pCaseDeps & { source: SourceFile, relayCpuSeconds: () => Promise<number | undefined> }): BenchCase {
  return {
    id: 'relayed',
    label: 'ours, relayed',
    timing: 'send start → send exit, through the local signal server\'s relay and lane relay',
    prepare: async () => undefined,
    run: async (round) => {
      const before = await deps.relayCpuSeconds()
      const run = await sendOneFile(deps, 'relayed', round, 'relayed')
      const after = await deps.relayCpuSeconds()
      return before === undefined || after === undefined ? run : { ...run, relayCpuSeconds: after - before }
    },
    dispose: async () => {}
  }
}
