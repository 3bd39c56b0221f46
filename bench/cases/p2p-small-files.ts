import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { assertSameTree } from '../measure/tree-digest.ts'
import type { SmallFiles } from '../source-files.ts'
import type { BenchCase } from './bench-case.ts'
import type { P2pCaseDeps } from './p2p-direct.ts'
import { runP2pTransfer, toCaseRun } from './p2p-transfer.ts'

/** Ours, direct, with one folder of many small files: per-file costs (offer, hashing, fsync, rename). */
export function createP2pSmallFilesCase (deps: P2pCaseDeps & { smallFiles: SmallFiles }): BenchCase {
  const runDirs: string[] = []
  return {
    id: 'small',
    label: 'ours, small files',
    timing: 'send start → send exit, one folder',
    prepare: async () => undefined,
    run: async (round) => {
      // Kept until the end: deleting 10,000 files just before the next run made that run's
      // creates slower (ext4 without a journal steps over recently freed inodes one by one:
      // 2,369 files/s in a first run, 1,419 and 1,377 after).
      const runDir = join(deps.workDir, `small-${round}`)
      runDirs.push(runDir)
      const result = await runP2pTransfer({
        serverUrl: deps.serverUrl,
        paths: [deps.smallFiles.dir],
        runDir,
        senderDataDir: join(deps.workDir, 'small-sender-data'),
        path: 'lane',
        timeoutMs: deps.timeoutMs,
        cpuProfDir: deps.cpuProfDir
      })
      await assertSameTree(deps.smallFiles.tree, result.downloads, 'small files')
      return toCaseRun(result, { bytes: deps.smallFiles.totalBytes, files: deps.smallFiles.count })
    },
    dispose: async () => {
      for (const runDir of runDirs) await rm(runDir, { recursive: true, force: true })
    }
  }
}
