import { join } from 'node:path'
import type { SourceFile } from '../source-files.ts'
import type { BenchCase } from './bench-case.ts'
import { runPipeTransfer } from './pipe-transfer.ts'

export interface PipeCaseDeps {
  source: SourceFile
  workDir: string
  timeoutMs: number
}

/** The limit a Node program reaches here: file → socket → file, no encryption, no hashing. */
export function createRawTcpPipeCase (deps: PipeCaseDeps): BenchCase {
  return {
    id: 'raw',
    label: 'raw Node TCP pipe',
    timing: 'receiver: connection accepted → file closed',
    prepare: async () => undefined,
    run: async (round) => await runPipeTransfer({ transport: 'tcp', source: deps.source, outDir: join(deps.workDir, `raw-${round}`), timeoutMs: deps.timeoutMs }),
    dispose: async () => {}
  }
}
