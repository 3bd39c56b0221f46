import { rm } from 'node:fs/promises'
import fastifyStatic from '@fastify/static'
import fastifyWebsocket from '@fastify/websocket'
import Fastify from 'fastify'
import type { Logger } from 'pino'
import {
  AcceptOfferRequest, AppError, IdParams, LOCAL_API_EVENTS_PATH, LOCAL_API_PREFIX, LOCAL_API_TOKEN_PARAM,
  SendRequest, SettingsUpdateRequest, UploadQuery,
  createSchemaDecoder, isErrorCode, type ApiErrorBody, type DaemonEvent, type ErrorCode, type HistoryResponse,
  type OkResponse, type OpenFilesResponse, type PickFolderResponse
} from '@p2pft/protocol'
import { LOCAL_API_WS_MAX_BUFFERED_BYTES } from '../constants.ts'
import type { DaemonService } from '../daemon/daemon-service.ts'
import type { CommandRunner } from '../desktop/command-runner.ts'
import type { FileDialog } from '../desktop/file-dialog.ts'
import { openFolder } from '../desktop/open-folder.ts'
import { guiMissingPage } from './gui-assets.ts'
import { httpStatusFor } from './http-status.ts'
import { registerPairingRoutes } from './pairing-routes.ts'
import { checkLocalRequest, tokenOf } from './request-guard.ts'
import { assertUploadFiles, readUploadManifest, receiveUpload } from './upload-receiver.ts'

export interface LocalApiDeps {
  service: DaemonService
  dialog: FileDialog
  runner: CommandRunner
  log: Logger
}

export interface LocalApiOptions {
  token: string
  /** The built GUI (apps/gui/dist); undefined serves a page that says how to build it. */
  guiDir: string | undefined
  /** Dropped files are written here before they are sent. */
  uploadsDir: string
}

const acceptDecoder = createSchemaDecoder(AcceptOfferRequest, 'API_INVALID_REQUEST', 'accept request')
const OK: OkResponse = { ok: true }

/**
 * The daemon's local API (docs/protocol.md, "Local API"): routes under /v1/ with a per-run
 * token, a WebSocket of live events, and the GUI's static files. Host and Origin are
 * checked on every request before anything else runs, so a rejected request changes nothing.
 */
// The return type is inferred: Fastify's instance type carries pino's logger type.
export async function createLocalApi (deps: LocalApiDeps, options: LocalApiOptions) {
  const log = deps.log.child({ component: 'local-api' })
  const { service } = deps
  const app = Fastify({ loggerInstance: log, forceCloseConnections: true, bodyLimit: 1024 * 1024 })

  app.addHook('onRequest', async (request, reply) => {
    const address = app.server.address()
    const port = typeof address === 'object' && address !== null ? address.port : 0
    const query = request.query as Record<string, unknown> | undefined
    const failure = checkLocalRequest({
      host: request.headers.host,
      origin: request.headers.origin,
      token: tokenOf(request.headers.authorization, query?.[LOCAL_API_TOKEN_PARAM])
    }, port, options.token, request.url.startsWith(`${LOCAL_API_PREFIX}/`))
    if (failure !== undefined) {
      log.warn({ url: request.url.split('?')[0], status: failure.status }, 'local API request refused')
      if (request.headers.upgrade !== undefined) reply.header('connection', 'close')
      return await reply.code(failure.status).send(errorBody(failure.code, failure.message))
    }
  })

  app.addHook('onResponse', async (request) => {
    // A refused WebSocket upgrade is answered on a socket the HTTP server no longer tracks:
    // end it, or a client reusing it would wait forever and the server could never close.
    if (request.headers.upgrade !== undefined) request.raw.socket.end()
  })

  app.addHook('onSend', async (_request, reply, payload) => {
    // The page and the API are for this app alone: no framing, no sniffing, no referrer with the token.
    reply.header('x-frame-options', 'DENY')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    reply.header('cache-control', 'no-store')
    return payload
  })

  await app.register(fastifyWebsocket, {
    options: { maxPayload: 64 * 1024 },
    errorHandler: (err) => { log.debug({ err }, 'websocket error') }
  })

  // Uploads arrive as raw bytes; the handler streams them to disk itself.
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => { done(null, payload) })

  app.setErrorHandler(async (err, request, reply) => {
    if (err instanceof AppError) {
      const status = httpStatusFor(err.code)
      if (status >= 500) log.error({ err, url: request.url }, 'request failed')
      return await reply.code(status).send(errorBody(err.code, err.message))
    }
    const fastifyError = err as { statusCode?: number, validation?: unknown, message?: string }
    if (fastifyError.validation !== undefined || (fastifyError.statusCode !== undefined && fastifyError.statusCode < 500)) {
      return await reply.code(fastifyError.statusCode ?? 400).send(errorBody('API_INVALID_REQUEST', fastifyError.message ?? 'bad request'))
    }
    log.error({ err, url: request.url }, 'request failed')
    return await reply.code(500).send(errorBody('INTERNAL_ERROR', 'the daemon failed to answer this request'))
  })

  app.setNotFoundHandler(async (request, reply) => {
    return await reply.code(404).send(errorBody('API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`))
  })

  app.get(`${LOCAL_API_PREFIX}/state`, async () => service.state())

  app.post(`${LOCAL_API_PREFIX}/transfers`, { schema: { body: SendRequest } }, async (request, reply) => {
    const body = request.body as SendRequest
    return await reply.code(202).send(await service.send(body.to, body.paths))
  })

  app.post(`${LOCAL_API_PREFIX}/transfers/upload`, { schema: { querystring: UploadQuery } }, async (request, reply) => {
    const { to } = request.query as UploadQuery
    if (!isAsyncIterable(request.body)) throw new AppError('API_INVALID_REQUEST', 'send the files as application/octet-stream')
    const { files, rest: body } = await readUploadManifest(request.body)
    assertUploadFiles(files)
    // The send starts now and reads the files as they arrive.
    const upload = service.beginUpload(to, files, options.uploadsDir)
    try {
      await receiveUpload({ body, files, dir: upload.dir, onBytes: upload.received, signal: upload.signal })
      await upload.finish()
    } catch (err) {
      await rm(upload.dir, { recursive: true, force: true })
      // The transfer ended early (cancelled, declined, failed): its own state says how; the upload just stops.
      if (upload.signal.aborted) return await reply.code(202).send({ id: upload.id })
      const error = err instanceof AppError ? err : new AppError('API_UPLOAD_FAILED', 'the dropped files could not be received', { cause: err })
      upload.fail(error)
      throw error
    }
    return await reply.code(202).send({ id: upload.id })
  })

  app.post(`${LOCAL_API_PREFIX}/transfers/:id/cancel`, { schema: { params: IdParams } }, async (request) => {
    await service.cancel((request.params as IdParams).id)
    return OK
  })

  app.post(`${LOCAL_API_PREFIX}/transfers/:id/resume`, { schema: { params: IdParams } }, async (request) => {
    service.resume((request.params as IdParams).id)
    return OK
  })

  app.post(`${LOCAL_API_PREFIX}/offers/:id/accept`, { schema: { params: IdParams } }, async (request) => {
    // The body is optional: a bare POST accepts once.
    const body = request.body === undefined || request.body === null ? {} : acceptDecoder.decode(request.body)
    await service.answerOffer((request.params as IdParams).id, true, body.alwaysAccept === true)
    return OK
  })

  app.post(`${LOCAL_API_PREFIX}/offers/:id/decline`, { schema: { params: IdParams } }, async (request) => {
    await service.answerOffer((request.params as IdParams).id, false)
    return OK
  })

  app.get(`${LOCAL_API_PREFIX}/history`, async (): Promise<HistoryResponse> => ({ entries: service.history() }))

  app.delete(`${LOCAL_API_PREFIX}/history`, async () => {
    service.clearHistory()
    return OK
  })

  app.post(`${LOCAL_API_PREFIX}/history/:id/open-folder`, { schema: { params: IdParams } }, async (request) => {
    const entry = service.historyEntry((request.params as IdParams).id)
    if (entry?.savedTo === undefined) throw new AppError('API_NOT_FOUND', 'this history entry has no folder to open')
    openFolder(entry.savedTo, deps.runner)
    return OK
  })

  app.put(`${LOCAL_API_PREFIX}/settings`, { schema: { body: SettingsUpdateRequest } }, async (request) => {
    return await service.updateSettings(request.body as SettingsUpdateRequest)
  })

  registerPairingRoutes(app, service.pairing)

  app.post(`${LOCAL_API_PREFIX}/dialog/open-files`, async (): Promise<OpenFilesResponse> => ({ paths: await deps.dialog.openFiles() }))

  app.post(`${LOCAL_API_PREFIX}/dialog/pick-folder`, async (): Promise<PickFolderResponse> => ({ path: await deps.dialog.pickFolder(service.downloadDir()) }))

  app.get(LOCAL_API_EVENTS_PATH, { websocket: true }, (socket) => {
    const send = (message: DaemonEvent): void => {
      // A stalled page must not make the daemon buffer without end: skip events, never snapshots.
      if (message.event !== 'state' && socket.bufferedAmount > LOCAL_API_WS_MAX_BUFFERED_BYTES) return
      socket.send(JSON.stringify(message))
    }
    const unsubscribe = service.subscribe(send)
    socket.on('close', unsubscribe)
    // The socket is for events only; whatever a page sends is ignored.
    socket.on('message', () => {})
  })

  if (options.guiDir === undefined) {
    app.get('/', async (_request, reply) => await reply.type('text/html; charset=utf-8').send(guiMissingPage()))
  } else {
    await app.register(fastifyStatic, { root: options.guiDir, index: 'index.html', wildcard: true })
  }

  return app
}

export type LocalApiApp = Awaited<ReturnType<typeof createLocalApi>>

function errorBody (code: ErrorCode, message: string): ApiErrorBody {
  return { error: { code: isErrorCode(code) ? code : 'INTERNAL_ERROR', message } }
}

function isAsyncIterable (value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value
}
