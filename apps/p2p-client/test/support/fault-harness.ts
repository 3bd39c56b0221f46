import { createServer } from 'node:net'
import { join } from 'node:path'
import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN, spawnJsonProcess, type JsonProcess } from './json-process.ts'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts'

/** A free TCP port on 127.0.0.1 (the receiver keeps it across restarts, so the proxy can follow it). */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>(resolve => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

export interface FaultRig {
  proxy: TcpProxy
  downloads: string
  receiverData: string
  /** Starts (or restarts, same identity, port, folders) the receiver; resolves once it listens. */
  startReceiver: (env?: NodeJS.ProcessEnv) => Promise<JsonProcess>
  /** Starts a `send` of `paths` to the receiver through the proxy (same identity each time). */
  startSender: (paths: string[], extraArgs?: string[]) => JsonProcess
  stopAll: () => Promise<void>
}

/**
 * Receiver Bob on a fixed loopback port behind a TCP proxy the test controls; sender Alice
 * dials Bob through the proxy (P2PFT_DIAL_VIA), so every byte from Alice to Bob is
 * counted, and the link can be cut. Both keep their data dirs across restarts.
 */
export async function createFaultRig (work: string, name: string, serverUrl: string): Promise<FaultRig> {
  const port = await freePort()
  const proxy = await startTcpProxy(port)
  const downloads = join(work, `${name}-downloads`)
  const receiverData = join(work, `${name}-bob-data`)
  const senderData = join(work, `${name}-alice-data`)
  const running = new Set<JsonProcess>()
  const track = (child: JsonProcess): JsonProcess => {
    running.add(child)
    void child.exited.then(() => running.delete(child))
    return child
  }
  return {
    proxy,
    downloads,
    receiverData,
    async startReceiver (env = {}) {
      const receiver = track(spawnJsonProcess(P2P_CLIENT_BIN, {
        args: ['receive', '--name', `Bob-${name}`, '--dir', downloads, '--yes', '--json', '--server', serverUrl],
        // The data dir by environment: the receiver's resume state lives there.
        env: { ...LOOPBACK_CLIENT_ENV, P2PFT_LISTEN: `/ip4/127.0.0.1/tcp/${port}`, P2PFT_DATA_DIR: receiverData, ...env }
      }))
      await receiver.waitFor(e => e.event === 'listening')
      return receiver
    },
    startSender (paths, extraArgs = []) {
      return track(spawnJsonProcess(P2P_CLIENT_BIN, {
        args: ['send', '--to', `Bob-${name}`, '--data-dir', senderData, '--json', '--server', serverUrl, ...extraArgs, ...paths],
        env: { ...LOOPBACK_CLIENT_ENV, P2PFT_DIAL_VIA: `/ip4/127.0.0.1/tcp/${proxy.port}` }
      }))
    },
    async stopAll () {
      await Promise.all([...running].map(async child => await child.stop('SIGKILL')))
      await proxy.close()
    }
  }
}

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] ?? 0 : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
