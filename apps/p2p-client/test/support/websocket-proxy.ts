import fastifyWebsocket from '@fastify/websocket'
import Fastify from 'fastify'

/**
 * Decides what the proxy forwards: return the text to pass on, or undefined to drop the frame.
 * `deliver` sends a text later in the same direction (to hold a frame until something else arrived).
 */
export type FrameTamper = (text: string, direction: 'to-server' | 'to-client', connection: number, deliver: (text: string) => void) => string | undefined

export interface WebSocketProxy {
  /** Base URL (http://127.0.0.1:port) to give clients instead of the real server's. */
  url: string
  /** Every text frame seen, in both directions, before tampering. */
  frames: Array<{ direction: 'to-server' | 'to-client', connection: number, text: string }>
  close: () => Promise<void>
}

/**
 * A WebSocket man in the middle on 127.0.0.1: each client connection gets its own
 * connection to the real server at the same path, and every text frame passes through
 * `tamper`. Stands in for a malicious or compromised signal server.
 */
export async function startWebSocketProxy (targetUrl: string, path: string, tamper: FrameTamper = text => text): Promise<WebSocketProxy> {
  const frames: WebSocketProxy['frames'] = []
  const app = Fastify({ forceCloseConnections: true })
  await app.register(fastifyWebsocket)
  let connections = 0
  const upstreams = new Set<WebSocket>()
  app.get(path, { websocket: true }, (client) => {
    const connection = connections++
    const upstream = new WebSocket(new URL(path, targetUrl.replace(/^http/, 'ws')))
    upstreams.add(upstream)
    const pending: string[] = []
    upstream.addEventListener('open', () => { for (const text of pending.splice(0)) upstream.send(text) })
    upstream.addEventListener('message', (event) => {
      const text = String(event.data)
      frames.push({ direction: 'to-client', connection, text })
      const toClient = (out: string): void => { client.send(out) }
      const out = tamper(text, 'to-client', connection, toClient)
      if (out !== undefined) toClient(out)
    })
    upstream.addEventListener('close', () => { upstreams.delete(upstream); client.close() })
    client.on('message', (data: Buffer) => {
      const text = data.toString()
      frames.push({ direction: 'to-server', connection, text })
      const toServer = (out: string): void => {
        if (upstream.readyState === WebSocket.OPEN) upstream.send(out)
        else pending.push(out)
      }
      const out = tamper(text, 'to-server', connection, toServer)
      if (out !== undefined) toServer(out)
    })
    client.on('close', () => { upstream.close() })
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    frames,
    async close () {
      for (const upstream of upstreams) upstream.close()
      await app.close()
    }
  }
}
