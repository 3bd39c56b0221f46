/**
 * The part of a `ws` WebSocket a session uses. `ws` ships no types in this
 * workspace (no @types/ws), and a small interface lets unit tests pass a fake.
 */
export interface SignalSocket {
  readonly readyState: number
  readonly bufferedAmount: number
  send: (data: string) => void
  close: (code?: number, reason?: string) => void
  terminate: () => void
  on: ((event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void) => unknown) &
    ((event: 'close', listener: (code: number, reason: Buffer) => void) => unknown)
}

/** `readyState` of an open WebSocket (the same number in `ws` and the WHATWG API). */
export const SOCKET_OPEN = 1
