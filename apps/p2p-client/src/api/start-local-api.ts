import { randomBytes } from 'node:crypto'
import { AppError, LOCAL_API_TOKEN_PARAM } from '@p2pft/protocol'
import { LOCAL_API_HOST, LOCAL_API_TOKEN_BYTES } from '../constants.ts'
import { createLocalApi, type LocalApiApp, type LocalApiDeps, type LocalApiOptions } from './create-local-api.ts'

export interface RunningLocalApi {
  /** http://127.0.0.1:PORT */
  baseUrl: string
  /** The page to open: the token travels in the fragment, which browsers never send to servers. */
  guiUrl: string
  token: string
  port: number
  app: LocalApiApp
  close: () => Promise<void>
}

/** Starts the local API on 127.0.0.1 and a random free port, with a fresh token. */
export async function startLocalApi (deps: LocalApiDeps, options: Omit<LocalApiOptions, 'token'> & { token?: string }): Promise<RunningLocalApi> {
  const token = options.token ?? randomBytes(LOCAL_API_TOKEN_BYTES).toString('base64url')
  const app = await createLocalApi(deps, { ...options, token })
  try {
    await app.listen({ host: LOCAL_API_HOST, port: 0 })
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `the local API cannot listen on ${LOCAL_API_HOST}: ${(err as Error).message}`, { cause: err })
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const baseUrl = `http://${LOCAL_API_HOST}:${port}`
  return {
    baseUrl,
    guiUrl: `${baseUrl}/#${LOCAL_API_TOKEN_PARAM}=${token}`,
    token,
    port,
    app,
    close: async () => { await app.close() }
  }
}
