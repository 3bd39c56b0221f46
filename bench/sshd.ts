import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { findExecutable } from './find-executable.ts'
import { childPids, spawnMeasured, withTimeout, type MeasuredExit } from './measure/process-stats.ts'

/** An sshd of our own on 127.0.0.1 with throwaway keys; the machine's sshd is never touched. */
export interface ThrowawaySshd {
  scpPath: string
  /** scp options that reach this sshd on `port` as the current user with the throwaway key. */
  scpOptions: (port: number) => string[]
  /** `user@127.0.0.1:path` */
  destination: (path: string) => string
  /** Starts a fresh sshd (one per run, so its rusage covers exactly one copy). */
  start: () => Promise<RunningSshd>
  /** Anything the benchmark had to do to the machine to run sshd, for the report. */
  notes: string[]
}

export interface RunningSshd {
  port: number
  /** Waits for the copy's session to end, then stops sshd and returns its measured exit. */
  stop: () => Promise<MeasuredExit>
}

const START_TIMEOUT_MS = 10_000
const SESSION_END_TIMEOUT_MS = 5_000

/** Makes keys and a config under `dir`; returns why scp cannot be benchmarked when it cannot. */
export async function prepareSshd (dir: string): Promise<ThrowawaySshd | string> {
  const sshd = findExecutable('sshd')
  const scpPath = findExecutable('scp')
  const keygen = findExecutable('ssh-keygen')
  if (sshd === undefined) return 'sshd is not installed (Debian: openssh-server)'
  if (scpPath === undefined || keygen === undefined) return 'scp or ssh-keygen is not installed (Debian: openssh-client)'

  mkdirSync(dir, { recursive: true })
  const hostKey = join(dir, 'host_ed25519')
  const clientKey = join(dir, 'client_ed25519')
  for (const key of [hostKey, clientKey]) {
    const made = spawnSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'p2pft-bench', '-f', key], { encoding: 'utf8' })
    if (made.status !== 0) return `ssh-keygen failed: ${made.stderr.trim()}`
  }
  const authorizedKeys = join(dir, 'authorized_keys')
  writeFileSync(authorizedKeys, await readFile(`${clientKey}.pub`), { mode: 0o600 })
  const config = join(dir, 'sshd_config')
  writeFileSync(config, [
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'StrictModes no',
    'PermitRootLogin yes',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UseDNS no',
    'PrintMotd no',
    // scp speaks SFTP since OpenSSH 9.0; the built-in server needs no path that varies by OS.
    'Subsystem sftp internal-sftp',
    ''
  ].join('\n'))

  const notes: string[] = []
  // sshd refuses to start without its privilege separation folder, which the service
  // manager normally creates at boot; in a fresh container nothing has.
  let check = spawnSync(sshd, ['-t', '-f', config], { encoding: 'utf8' })
  const missing = /Missing privilege separation directory: (\S+)/.exec(check.stderr)
  if (check.status !== 0 && missing?.[1] !== undefined && process.getuid?.() === 0) {
    mkdirSync(missing[1], { recursive: true, mode: 0o755 })
    notes.push(`created sshd's privilege separation folder ${missing[1]}`)
    check = spawnSync(sshd, ['-t', '-f', config], { encoding: 'utf8' })
  }
  if (check.status !== 0) return `sshd rejects its throwaway config: ${check.stderr.trim()}`

  const user = userInfo().username
  return {
    scpPath,
    notes,
    scpOptions: (port) => [
      '-P', String(port), '-i', clientKey, '-F', '/dev/null',
      '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'
    ],
    destination: (path) => `${user}@127.0.0.1:${path}`,
    start: async () => {
      const port = await findFreePort()
      const server = spawnMeasured(sshd, ['-D', '-e', '-f', config, '-p', String(port)])
      try {
        await server.waitForLine('stderr', line => line.includes('Server listening on'), START_TIMEOUT_MS)
      } catch (err) {
        server.kill('SIGKILL')
        throw err
      }
      return {
        port,
        stop: async () => {
          const pid = server.programPid()
          // The copy's session process must have ended (and been reaped) for its CPU to count.
          const deadline = Date.now() + SESSION_END_TIMEOUT_MS
          while (pid !== undefined && childPids(pid).length > 0 && Date.now() < deadline) await sleep(20)
          server.kill('SIGTERM')
          return await withTimeout(server, START_TIMEOUT_MS)
        }
      }
    }
  }
}

/** A port that was free a moment ago (sshd cannot be told to pick one and report it). */
async function findFreePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  await new Promise<void>((resolve) => { server.close(() => { resolve() }) })
  if (typeof address !== 'object' || address === null) throw new Error('could not find a free port')
  return address.port
}
