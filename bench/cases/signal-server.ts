import { fileURLToPath } from 'node:url'
import { readCpuSeconds } from '../measure/process-cpu.ts'
import { spawnMeasured } from '../measure/process-stats.ts'

const SIGNAL_SERVER_BIN = fileURLToPath(new URL('../../apps/signal-server/bin/signal-server.js', import.meta.url))

export interface SignalServer {
  url: string
  /** CPU seconds the server has used so far (its relay's share of a relayed run is the difference); undefined without /proc. */
  cpuSeconds: () => Promise<number | undefined>
  stop: () => Promise<void>
}

/** A real signal server (presence + relay) on 127.0.0.1, shared by every p2p case. */
export async function startSignalServer (): Promise<SignalServer> {
  const server = spawnMeasured(process.execPath, [SIGNAL_SERVER_BIN, '--host', '127.0.0.1', '--port', '0', '--relay-port', '0'])
  try {
    const listening = JSON.parse(await server.waitForLine('stdout', line => line.includes('"listening"'), 30_000)) as { url: string }
    return {
      url: listening.url,
      cpuSeconds: async () => await readCpuSeconds(server.programPid()),
      stop: async () => {
        server.kill('SIGTERM')
        await server.exited
      }
    }
  } catch (err) {
    server.kill('SIGKILL')
    throw err
  }
}
