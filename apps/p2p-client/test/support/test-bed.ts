import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN, spawnJsonProcess, startSignalServer, type JsonProcess } from './json-process.ts'
import { makeTempDir } from './test-files.ts'

/** What an end-to-end test stands on: a fresh temp folder, a real signal server on loopback, and the processes the test started. */
export interface TestBed {
  /** The test's own temporary folder. */
  path: string
  serverUrl: string
  /** Remembers `child` so close() stops it (forgotten once it exits); returns it. */
  track: (child: JsonProcess) => JsonProcess
  /** Stops the tracked children with `signal`, then the server, then removes the folder. */
  close: (signal?: NodeJS.Signals) => Promise<void>
}

export async function openTestBed (prefix: string): Promise<TestBed> {
  const work = await makeTempDir(prefix)
  let server: Awaited<ReturnType<typeof startSignalServer>>
  try {
    server = await startSignalServer()
  } catch (err) {
    await work.cleanup()
    throw err
  }
  const running = new Set<JsonProcess>()
  return {
    path: work.path,
    serverUrl: server.url,
    track (child) {
      running.add(child)
      void child.exited.then(() => running.delete(child))
      return child
    },
    async close (signal = 'SIGTERM') {
      await Promise.all([...running].map(async child => await child.stop(signal)))
      await server.process.stop()
      await work.cleanup()
    }
  }
}

/** Runs `p2p-client <args> --json --server <the bed's>` on loopback, tracked by the bed. */
export function spawnClient (bed: TestBed, args: string[], env: NodeJS.ProcessEnv = {}): JsonProcess {
  return bed.track(spawnJsonProcess(P2P_CLIENT_BIN, { args: [...args, '--json', '--server', bed.serverUrl], env: { ...LOOPBACK_CLIENT_ENV, ...env } }))
}
