import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const P2P_CLIENT_BIN = fileURLToPath(new URL('../../bin/p2p-client.js', import.meta.url))
export const SIGNAL_SERVER_BIN = fileURLToPath(new URL('../../../signal-server/bin/signal-server.js', import.meta.url))

export type JsonEvent = Record<string, unknown> & { event: string }

/** A real child process whose stdout is JSON lines; tests wait for events by predicate. */
export interface JsonProcess {
  child: ChildProcess
  events: JsonEvent[]
  stderr: () => string
  waitFor: (predicate: (event: JsonEvent) => boolean, timeoutMs?: number) => Promise<JsonEvent>
  exited: Promise<number | null>
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

export interface SpawnOptions {
  args: string[]
  env?: NodeJS.ProcessEnv
  /** Prefix the command, e.g. ['ip', 'netns', 'exec', 'lab-a']. */
  wrapper?: string[]
}

export function spawnJsonProcess (bin: string, options: SpawnOptions): JsonProcess {
  const command = [...(options.wrapper ?? []), process.execPath, bin, ...options.args]
  const [file, ...args] = command
  const child = spawn(file ?? process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const events: JsonEvent[] = []
  const listeners = new Set<() => void>()
  let stderrText = ''
  child.stderr?.on('data', (data: Buffer) => { stderrText += data.toString() })
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      const parsed: unknown = JSON.parse(line)
      if (typeof parsed === 'object' && parsed !== null && 'event' in parsed && typeof parsed.event === 'string') {
        events.push(parsed as JsonEvent)
        for (const listener of listeners) listener()
      }
    } catch {
      stderrText += `[non-JSON stdout] ${line}\n`
    }
  })
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => { resolve(code ?? (signal === null ? null : 128))  })
  })

  const waitFor = async (predicate: (event: JsonEvent) => boolean, timeoutMs = 30_000): Promise<JsonEvent> => {
    return await new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.find(predicate)
        if (found !== undefined) { cleanup(); resolve(found) }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out after ${timeoutMs} ms waiting for an event; got ${JSON.stringify(events.map(e => e.event))}\nstderr:\n${stderrText}`))
      }, timeoutMs)
      void exited.then((code) => {
        setImmediate(() => {
          if (!listeners.has(check)) return
          cleanup()
          reject(new Error(`process exited (${code}) before the event; got ${JSON.stringify(events)}\nstderr:\n${stderrText}`))
        })
      })
      function cleanup (): void { clearTimeout(timer); listeners.delete(check) }
      listeners.add(check)
      check()
    })
  }

  return {
    child,
    events,
    stderr: () => stderrText,
    waitFor,
    exited,
    async stop (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      const code = await exited
      clearTimeout(timer)
      return code
    }
  }
}

/** Starts a real signal server on loopback and returns its URL. */
export async function startSignalServer (): Promise<{ process: JsonProcess, url: string }> {
  const server = spawnJsonProcess(SIGNAL_SERVER_BIN, { args: ['--host', '127.0.0.1', '--port', '0', '--relay-port', '0'] })
  const listening = await server.waitFor(event => event.event === 'listening', 20_000)
  return { process: server, url: String(listening.url) }
}

/** Environment for clients on the shared host: loopback only, no multicast (mDNS, UPnP's SSDP) on real interfaces. */
export const LOOPBACK_CLIENT_ENV = { P2PFT_MDNS: '0', P2PFT_UPNP: '0', P2PFT_LISTEN: '/ip4/127.0.0.1/tcp/0' }
