import { connect, type Socket } from 'node:net'
import { AppError } from '@p2pft/protocol'
import { LANE_CONNECT_TIMEOUT_MS } from './constants.ts'

/** A half-open-capable TCP socket to host:port, or TRANSFER_DIAL_FAILED within LANE_CONNECT_TIMEOUT_MS. */
export async function connectSocket (host: string, port: number, signal: AbortSignal): Promise<Socket> {
  const socket = connect({ host, port, allowHalfOpen: true, noDelay: true, timeout: LANE_CONNECT_TIMEOUT_MS })
  let onError: (err: Error) => void = () => {}
  const onTimeout = (): void => { onError(new Error('timed out')) }
  const onAbort = (): void => { onError(new Error('cancelled')) }
  try {
    await new Promise<void>((resolve, reject) => {
      onError = (err) => { reject(new AppError('TRANSFER_DIAL_FAILED', `could not connect the lane to ${host}:${port}: ${err.message}`, { cause: err })) }
      socket.once('connect', resolve)
      socket.on('error', onError)
      socket.on('timeout', onTimeout)
      if (signal.aborted) onAbort()
      signal.addEventListener('abort', onAbort)
    })
  } catch (err) {
    socket.destroy()
    throw err
  } finally {
    socket.off('error', onError)
    socket.off('timeout', onTimeout)
    signal.removeEventListener('abort', onAbort)
  }
  socket.setTimeout(0)
  return socket
}
