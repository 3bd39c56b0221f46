import { createServer, connect, type Server, type Socket } from 'node:net'

/** A TCP proxy on 127.0.0.1 that tests control: counts bytes, and can cut the link silently. */
export interface TcpProxy {
  port: number
  /** Bytes forwarded from clients to the target (sender → receiver) since the start or the last reset. */
  bytesToTarget: () => number
  resetCounters: () => void
  /** Like a network that drops every packet: nothing flows either way (no reset, no FIN), new connections hang. */
  cut: () => void
  /**
   * Cuts the link the moment `bytes` in all have been forwarded to the target; resolves then.
   * Unlike waiting for a progress event and cutting, this cannot lose the race against a fast
   * transfer: the transfer is mid-way by construction, and the bytes past the cut wait for `restore`.
   */
  cutAfter: (bytes: number) => Promise<void>
  /** Everything flows again, on the old connections and new ones. */
  restore: () => void
  close: () => Promise<void>
}

interface Pair {
  client: Socket
  upstream: Socket
  /** Bytes read from the client past a `cutAfter` point, forwarded on `restore`. */
  held?: Buffer
}

export async function startTcpProxy (targetPort: number): Promise<TcpProxy> {
  let toTarget = 0
  let isCut = false
  let pendingCut: { atBytes: number, reached: () => void } | undefined
  const pairs = new Set<Pair>()

  const cut = (): void => {
    isCut = true
    for (const { client, upstream } of pairs) { client.pause(); upstream.pause() }
  }
  const forward = (pair: Pair, data: Buffer): void => {
    toTarget += data.byteLength
    if (!pair.upstream.write(data)) pair.client.pause()
  }

  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort })
    const pair: Pair = { client, upstream }
    pairs.add(pair)
    client.on('data', (data: Buffer) => {
      if (pendingCut === undefined || toTarget + data.byteLength < pendingCut.atBytes) { forward(pair, data); return }
      const { atBytes, reached } = pendingCut
      pendingCut = undefined
      forward(pair, data.subarray(0, atBytes - toTarget))
      pair.held = data.subarray(atBytes - toTarget)
      cut()
      reached()
    })
    upstream.on('drain', () => { if (!isCut) client.resume() })
    upstream.on('data', (data: Buffer) => { if (!client.write(data)) upstream.pause() })
    client.on('drain', () => { if (!isCut) upstream.resume() })
    const end = (): void => { pairs.delete(pair); client.destroy(); upstream.destroy() }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', () => {})
    upstream.on('error', () => {})
    if (isCut) { client.pause(); upstream.pause() }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy has no port')

  return {
    port: address.port,
    bytesToTarget: () => toTarget,
    resetCounters: () => { toTarget = 0 },
    cut,
    async cutAfter (bytes) {
      await new Promise<void>((resolve) => { pendingCut = { atBytes: bytes, reached: resolve } })
    },
    restore () {
      isCut = false
      for (const pair of pairs) {
        pair.client.resume()
        pair.upstream.resume()
        // Before any byte the resumed client sends next: 'data' comes on a later tick.
        if (pair.held !== undefined) { forward(pair, pair.held); pair.held = undefined }
      }
    },
    async close () {
      for (const { client, upstream } of pairs) { client.destroy(); upstream.destroy() }
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
