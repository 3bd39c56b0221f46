import { mkdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { runMeasured } from '../measure/process-stats.ts'
import { assertSameTree } from '../measure/tree-digest.ts'
import { prepareSshd, type RunningSshd, type ThrowawaySshd } from '../sshd.ts'
import type { BenchCase } from './bench-case.ts'
import type { PipeCaseDeps } from './raw-tcp-pipe.ts'

/** `scp` to our own sshd on 127.0.0.1: what people use today, encrypted and authenticated. */
export function createScpCopyCase (deps: PipeCaseDeps & { log: (line: string) => void }): BenchCase {
  let sshd: ThrowawaySshd | undefined
  return {
    id: 'scp',
    label: 'scp to 127.0.0.1',
    timing: 'scp start → scp exit (includes the SSH handshake)',
    prepare: async () => {
      const prepared = await prepareSshd(join(deps.workDir, 'sshd'))
      if (typeof prepared === 'string') return prepared
      sshd = prepared
      for (const note of prepared.notes) deps.log(`scp: ${note}`)
      return undefined
    },
    run: async (round) => {
      if (sshd === undefined) throw new Error('scp case run before prepare')
      const outDir = join(deps.workDir, `scp-${round}`)
      await mkdir(outDir, { recursive: true })
      let server: RunningSshd | undefined
      try {
        server = await sshd.start()
        // -v only to learn the negotiated cipher; scp prints no progress without a terminal.
        const copy = await runMeasured(sshd.scpPath, ['-v', ...sshd.scpOptions(server.port), deps.source.path, sshd.destination(`${outDir}/`)], deps.timeoutMs)
        const served = await server.stop()
        server = undefined
        await assertSameTree(new Map([[basename(deps.source.path), deps.source.digest]]), outDir, 'scp')
        const cipher = /kex: client->server cipher: (\S+)/.exec(copy.process.stderr())?.[1]
        return {
          bytes: deps.source.sizeBytes,
          files: 1,
          wallMs: copy.wallMs,
          sender: copy.stats,
          receiver: served.stats,
          ...(cipher === undefined ? {} : { detail: `cipher ${cipher}` })
        }
      } finally {
        if (server !== undefined) await server.stop().catch(() => {})
        await rm(outDir, { recursive: true, force: true })
      }
    },
    dispose: async () => {}
  }
}
