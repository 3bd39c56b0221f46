import { rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { assertSameTree } from '../measure/tree-digest.ts'
import type { SourceFile } from '../source-files.ts'
import type { BenchCase, CaseRun } from './bench-case.ts'
import { runP2pTransfer, toCaseRun } from './p2p-transfer.ts'

export interface P2pCaseDeps {
  serverUrl: string
  workDir: string
  timeoutMs: number
  /** Write a V8 CPU profile of both client processes here. @default none */
  cpuProfDir?: string
}

/** Ours, end to end: `p2p-client send` → `receive` over a direct libp2p connection. */
export function createP2pDirectCase (deps: P2pCaseDeps & { source: SourceFile }): BenchCase {
  return {
    id: 'ours',
    label: 'ours, direct',
    timing: 'send start → send exit (start-up, discovery, dial, offer, transfer, BLAKE3, fsync)',
    prepare: async () => undefined,
    run: async (round) => await sendOneFile(deps, 'ours', round, false),
    dispose: async () => {}
  }
}

/** One file through `p2p-client`, verified on disk; shared by the direct and relayed cases. */
export async function sendOneFile (deps: P2pCaseDeps & { source: SourceFile }, id: string, round: number, relayOnly: boolean): Promise<CaseRun> {
  const runDir = join(deps.workDir, `${id}-${round}`)
  try {
    const result = await runP2pTransfer({
      serverUrl: deps.serverUrl,
      paths: [deps.source.path],
      runDir,
      senderDataDir: join(deps.workDir, `${id}-sender-data`),
      relayOnly,
      timeoutMs: deps.timeoutMs,
      cpuProfDir: deps.cpuProfDir
    })
    await assertSameTree(new Map([[basename(deps.source.path), deps.source.digest]]), result.downloads, id)
    return toCaseRun(result, { bytes: deps.source.sizeBytes, files: 1 })
  } finally {
    await rm(runDir, { recursive: true, force: true })
  }
}
