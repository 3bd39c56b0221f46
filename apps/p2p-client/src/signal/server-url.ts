import { AppError, SIGNAL_WS_PATH } from '@p2pft/protocol'

/**
 * Turns what users type for --server (`http://host:port`, `https://…`, `ws://…`,
 * `wss://…`) into the WebSocket URL of the signal endpoint.
 */
export function toSignalWebSocketUrl (server: string): URL {
  let url: URL
  try {
    url = new URL(server)
  } catch (err) {
    throw new AppError('CLI_INVALID_ARGUMENTS', `server "${server}" is not a URL; use http://host:port`, { cause: err })
  }
  const schemes: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }
  const scheme = schemes[url.protocol]
  if (scheme === undefined) {
    throw new AppError('CLI_INVALID_ARGUMENTS', `server "${server}" must start with http://, https://, ws:// or wss://`)
  }
  url.protocol = scheme
  if (url.pathname === '/' || url.pathname === '') url.pathname = SIGNAL_WS_PATH
  url.hash = ''
  return url
}
