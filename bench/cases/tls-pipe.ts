import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { findExecutable } from '../find-executable.ts'
import type { BenchCase } from './bench-case.ts'
import { runPipeTransfer } from './pipe-transfer.ts'
import type { PipeCaseDeps } from './raw-tcp-pipe.ts'

/** The raw pipe plus TLS 1.3 (a throwaway self-signed certificate): the cost of encryption alone. */
export function createTlsPipeCase (deps: PipeCaseDeps): BenchCase {
  const certPath = join(deps.workDir, 'tls-cert.pem')
  const keyPath = join(deps.workDir, 'tls-key.pem')
  return {
    id: 'tls',
    label: 'Node TLS 1.3 pipe',
    timing: 'receiver: handshake done → file closed',
    prepare: async () => {
      // Node can read certificates but not make them.
      const openssl = findExecutable('openssl')
      if (openssl === undefined) return 'openssl is not installed (needed to make a throwaway certificate)'
      const made = spawnSync(openssl, [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', keyPath, '-out', certPath
      ], { encoding: 'utf8' })
      return made.status === 0 ? undefined : `openssl could not make a certificate: ${made.stderr.trim()}`
    },
    run: async (round) => await runPipeTransfer({
      transport: 'tls', source: deps.source, outDir: join(deps.workDir, `tls-${round}`), timeoutMs: deps.timeoutMs, tls: { certPath, keyPath }
    }),
    dispose: async () => {}
  }
}
