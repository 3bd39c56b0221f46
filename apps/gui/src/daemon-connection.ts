import { createDaemonClient, tokenFromLocation, type DaemonClient } from '@p2pft/daemon-client'

/**
 * The API client for this page: the daemon serves the page, so its origin is the API's,
 * and the token came in the URL the daemon opened. It stays in memory, never in storage.
 */
export function connectToDaemon (): DaemonClient | undefined {
  const token = tokenFromLocation(window.location)
  if (token === undefined) return undefined
  return createDaemonClient({ baseUrl: window.location.origin, token })
}
