import { connect, type Socket } from 'node:net'
import { AppError, OBSERVED_ADDRESS_PATH, observedAddressDecoder, type ObservedAddressResponse } from '@p2pft/protocol'
import { MAX_OBSERVE_RESPONSE_BYTES, OBSERVE_TIMEOUT_MS, PUNCH_PORT_MAX, PUNCH_PORT_MIN } from './constants.ts'

export interface ObservedMapping {
  /** Our local port; the punch must dial from it so the NAT reuses the mapping. */
  localPort: number
  /** Our address and port as the server (the internet) sees them. */
  observed: ObservedAddressResponse
  /** Kept open while punching so the router keeps the mapping; close when done. */
  socket: Socket
}

/**
 * Opens a TCP connection to the signal server from a local port we choose and asks
 * which public address it arrives from: that is our NAT's mapping for the port.
 */
export async function observeMapping (server: { host: string, port: number }, signal: AbortSignal): Promise<ObservedMapping> {
  for (let attempt = 0; ; attempt++) {
    const localPort = PUNCH_PORT_MIN + Math.floor(Math.random() * (PUNCH_PORT_MAX - PUNCH_PORT_MIN))
    try {
      return await observeFrom(server, localPort, signal)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err
    }
  }
}

async function observeFrom (server: { host: string, port: number }, localPort: number, signal: AbortSignal): Promise<ObservedMapping> {
  const socket = connect({ host: server.host, port: server.port, localPort })
  const timeout = AbortSignal.any([signal, AbortSignal.timeout(OBSERVE_TIMEOUT_MS)])
  const onAbort = (): void => { socket.destroy(new AppError('TRANSFER_TIMEOUT', 'the signal server did not tell our public address in time')) }
  timeout.addEventListener('abort', onAbort)
  try {
    const response = await new Promise<string>((resolve, reject) => {
      let text = ''
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.write(`GET ${OBSERVED_ADDRESS_PATH} HTTP/1.1\r\nHost: ${server.host}:${server.port}\r\nConnection: keep-alive\r\n\r\n`)
      })
      socket.on('data', (data: Buffer) => {
        text += data.toString('latin1')
        if (text.length > MAX_OBSERVE_RESPONSE_BYTES) reject(new AppError('PROTOCOL_MESSAGE_TOO_LARGE', 'observed-address answer too large'))
        const headerEnd = text.indexOf('\r\n\r\n')
        if (headerEnd < 0) return
        const length = /content-length:\s*(\d+)/i.exec(text.slice(0, headerEnd))?.[1]
        const body = text.slice(headerEnd + 4)
        if (length !== undefined && Buffer.byteLength(body) >= Number(length)) resolve(text)
      })
    })
    socket.removeAllListeners('data')
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1]
    if (status !== '200') throw new AppError('PROTOCOL_INVALID_MESSAGE', `observed-address answered HTTP ${status ?? '?'}`)
    const observed = observedAddressDecoder.decodeJson(response.slice(response.indexOf('\r\n\r\n') + 4))
    return { localPort, observed, socket }
  } catch (err) {
    socket.destroy()
    throw err
  } finally {
    timeout.removeEventListener('abort', onAbort)
  }
}
