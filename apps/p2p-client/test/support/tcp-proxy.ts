import { createServer, connect, type Server, type Socket } from 'node:net'

/** A TCP proxy on 127.0.0.1 that tests control: counts bytes, and can cut the link silently. */
export interface TcpProxy {
  port: number
  /** Bytes forwarded from clients to the target (sender → receiver) since the start or the last reset. */
  bytesToTarget: () => number
  resetCounters: () => void
  /** Like a network that drops every packet: nothing flows either way (no reset, no FIN), new connections hang. */
  cut: () => void
  /** Everything flows again, on the old connections and new ones. */
  restore: () => void
  close: () => Promise<void>
}

export async function startTcpProxy (targetPort: number): Promise<TcpProxy> {
  let toTarget = 0
  let isCut = false
  const pairs = new Set<[Socket, Socket]>()

  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort })
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    client.on('data', (data: Buffer) => { toTarget += data.byteLength; if (!upstream.write(data)) client.pause() })
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
    cut () {
      isCut = true
      for (const [client, upstream] of pairs) { client.pause(); upstream.pause() }
    },
    restore () {
      isCut = false
      for (const [client, upstream] of pairs) { client.resume(); upstream.resume() }
    },
    async close () {
      for (const [client, upstream] of pairs) { client.destroy(); upstream.destroy() }
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
