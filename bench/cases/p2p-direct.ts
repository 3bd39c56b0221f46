import { rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { assertSameTree } from '../measure/tree-digest.ts'
import type { SourceFile } from '../source-files.ts'
import type { BenchCase, CaseRun } from './bench-case.ts'
import { runP2pTransfer, toCaseRun, type TransferPath } from './p2p-transfer.ts'

export interface P2pCaseDeps {
  serverUrl: string
  workDir: string
  timeoutMs: number
  /** Write a V8 CPU profile of both client processes here. @default none */
  cpuProfDir?: string
}

/** Ours, end to end: `p2p-client send` → `receive` over a direct connection, its bytes on a data lane. */
export function createP2pDirectCase (deps: P2pCaseDeps & { source: SourceFile }): BenchCase {
  return {
    id: 'ours',
    label: 'ours, direct',
    timing: 'send start → send exit (start-up, discovery, dial, lane, offer, transfer, BLAKE3, fsync)',
    prepare: async () => undefined,
    run: async (round) => await sendOneFile(deps, 'ours', round, 'lane'),
    dispose: async () => {}
  }
}

/** The same with lanes off (P2PFT_LANE=0): the bytes inside the libp2p connection, as before lanes (and as on a firewalled lane port). */
export function createP2pStreamCase (deps: P2pCaseDeps & { source: SourceFile }): BenchCase {
  return {
    id: 'nolane',
    label: 'ours, direct, no lane',
    timing: 'send start → send exit, with P2PFT_LANE=0 on both sides',
    prepare: async () => undefined,
    run: async (round) => await sendOneFile(deps, 'nolane', round, 'stream'),
    dispose: async () => {}
  }
}

/** One file through `p2p-client`, verified on disk; shared by the direct and relayed cases. */
export async function sendOneFile (deps: P2pCaseDeps & { source: SourceFile }, id: string, round: number, path: TransferPath): Promise<CaseRun> {
  const runDir = join(deps.workDir, `${id}-${round}`)
  try {
    const result = await runP2pTransfer({
      serverUrl: deps.serverUrl,
      paths: [deps.source.path],
      runDir,
      senderDataDir: join(deps.workDir, `${id}-sender-data`),
      path,
      timeoutMs: deps.timeoutMs,
      cpuProfDir: deps.cpuProfDir
    })
    await assertSameTree(new Map([[basename(deps.source.path), deps.source.digest]]), result.downloads, id)
    return toCaseRun(result, { bytes: deps.source.sizeBytes, files: 1 })
  } finally {
    await rm(runDir, { recursive: true, force: true })
  }
}
