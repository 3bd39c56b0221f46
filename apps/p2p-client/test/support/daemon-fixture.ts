import { join } from 'node:path'
import { createDaemonClient, type DaemonClient } from '@p2pft/daemon-client'
import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN, spawnJsonProcess, type JsonProcess } from './json-process.ts'
import type { TestBed } from './test-bed.ts'

/** A running `p2p-client daemon` and what tests reach it by. */
export interface Daemon {
  process: JsonProcess
  /** The GUI's URL with its token, as the daemon prints it. */
  url: string
  peerId: string
  dataDir: string
  downloads: string
  api: DaemonClient
}

export interface DaemonOptions {
  name: string
  /** @default [] */
  extraArgs?: string[]
  /** Added over the loopback env with no display. @default {} */
  env?: NodeJS.ProcessEnv
}

/**
 * Starts a daemon named `name` on the bed's signal server, with `<name>-data` and `<name>-downloads`
 * in the bed's folder; resolves once it listens. No DISPLAY unless `env` gives one: the page must
 * offer its own file input, and no window or native dialog opens.
 */
export async function startDaemon (bed: TestBed, options: DaemonOptions): Promise<Daemon> {
  const { name } = options
  const dataDir = join(bed.path, `${name}-data`)
  const downloads = join(bed.path, `${name}-downloads`)
  const child = bed.track(spawnJsonProcess(P2P_CLIENT_BIN, {
    args: ['daemon', '--no-gui', '--json', '--name', name, '--server', bed.serverUrl, '--data-dir', dataDir, '--download-dir', downloads, ...(options.extraArgs ?? [])],
    env: { ...LOOPBACK_CLIENT_ENV, DISPLAY: '', WAYLAND_DISPLAY: '', ...options.env }
  }))
  const url = String((await child.waitFor(e => e.event === 'gui')).url)
  const listening = await child.waitFor(e => e.event === 'listening')
  const gui = new URL(url)
  const api = createDaemonClient({ baseUrl: gui.origin, token: new URLSearchParams(gui.hash.slice(1)).get('token') ?? '' })
  return { process: child, url, peerId: String(listening.peerId), dataDir, downloads, api }
}

/** The PeerId of the device called `name` once the daemon behind `api` sees it online (20 s at most). */
export async function waitForPeerId (api: DaemonClient, name: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const peer = (await api.state()).peers.find(p => p.name === name)
    if (peer !== undefined) return peer.peerId
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`${name} never showed up`)
}
