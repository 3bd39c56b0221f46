import type { Socket } from 'node:net'
import { AbstractMultiaddrConnection, type AbstractMultiaddrConnectionInit } from '@libp2p/utils'
import type { AbortOptions } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * A punched TCP socket as a libp2p MultiaddrConnection, so the upgrader can run the secure channel
 * and yamux on it. Mirrors @libp2p/tcp's own wrapper, which the package does not export.
 */
export class PunchedSocketConnection extends AbstractMultiaddrConnection {
  private readonly socket: Socket

  constructor (init: AbstractMultiaddrConnectionInit & { socket: Socket }) {
    super(init)
    this.socket = init.socket
    this.socket.on('data', (data: Buffer) => { this.onData(data) })
    this.socket.on('error', (err) => { this.abort(err) })
    this.socket.once('end', () => { this.onTransportClosed() })
    this.socket.once('close', (hadError) => {
      if (hadError) this.abort(new Error('TCP transmission error'))
      else this.onTransportClosed()
    })
    this.socket.on('drain', () => { this.safeDispatchEvent('drain') })
  }

  sendData (data: Uint8ArrayList): { sentBytes: number, canSendMore: boolean } {
    let sentBytes = 0
    let canSendMore = true
    for (const buf of data) {
      sentBytes += buf.byteLength
      canSendMore = this.socket.write(buf)
      if (!canSendMore) break
    }
    return { sentBytes, canSendMore }
  }

  async sendClose (options?: AbortOptions): Promise<void> {
    if (this.socket.destroyed) return
    this.socket.destroySoon()
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { this.socket.destroy(); reject(options?.signal?.reason) }
      options?.signal?.addEventListener('abort', onAbort, { once: true })
      this.socket.once('close', () => { options?.signal?.removeEventListener('abort', onAbort); resolve() })
    })
  }

  sendReset (): void {
    if (this.socket.writableEnded) this.socket.destroy()
    else this.socket.resetAndDestroy()
  }

  sendPause (): void {
    this.socket.pause()
  }

  sendResume (): void {
    this.socket.resume()
  }
}
