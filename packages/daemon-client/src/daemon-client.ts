import {
  AppError, DaemonEvent, HistoryResponse, LOCAL_API_EVENTS_PATH, LOCAL_API_PREFIX, LOCAL_API_TOKEN_PARAM, OkResponse,
  OpenFilesResponse, PickFolderResponse, SendResponse, SettingsView, StateResponse, ApiErrorBody, DeviceView, PairingView,
  createSchemaDecoder, isErrorCode, type SchemaDecoder, type SettingsUpdateRequest, type UploadFile
} from '@p2pft/protocol'
import type { TSchema, Static } from 'typebox'

export interface DaemonClientOptions {
  /** e.g. http://127.0.0.1:40123 (in the GUI: location.origin). */
  baseUrl: string
  token: string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** @default globalThis.WebSocket */
  WebSocket?: typeof WebSocket
}

/** A file to upload: its relative path (`folder/a.txt` for a dropped folder) and its bytes. */
export interface UploadItem {
  path: string
  file: Blob
}

export interface EventSubscription {
  close: () => void
}

export interface EventHandlers {
  onMessage: (message: DaemonEvent) => void
  onOpen?: () => void
  /** The socket closed (the daemon stopped, or the network between): reconnect if wanted. */
  onClose?: (code: number) => void
}

/** The daemon's local API, typed (docs/protocol.md, "Local API"); for the GUI and the CLI. */
export interface DaemonClient {
  state: () => Promise<StateResponse>
  send: (to: string, paths: string[]) => Promise<SendResponse>
  /** Streams files to the daemon, which sends them on while they arrive; resolves once every byte is there. */
  upload: (to: string, items: UploadItem[], signal?: AbortSignal) => Promise<SendResponse>
  /** Cancels a transfer in any state (a stopped send is forgotten). */
  cancel: (id: string) => Promise<void>
  /** Continues a stopped send where it stopped. */
  resume: (id: string) => Promise<void>
  acceptOffer: (id: string, alwaysAccept?: boolean) => Promise<void>
  declineOffer: (id: string) => Promise<void>
  history: () => Promise<HistoryResponse>
  clearHistory: () => Promise<void>
  openHistoryFolder: (id: string) => Promise<void>
  updateSettings: (update: SettingsUpdateRequest) => Promise<SettingsView>
  /** Shows the system's file dialog on the daemon's machine; [] when cancelled. */
  openFilesDialog: () => Promise<string[]>
  /** Shows the system's folder dialog; null when cancelled. */
  pickFolderDialog: () => Promise<string | null>
  events: (handlers: EventHandlers) => EventSubscription
  /** "Pair a device": the code to type on the other device; the state's `pairing` tells how it ends. */
  startPairing: () => Promise<PairingView>
  /** "Enter code": resolves with the paired device once both agreed on the code. */
  joinPairing: (code: string) => Promise<DeviceView>
  cancelPairing: () => Promise<void>
  unpairDevice: (peerId: string) => Promise<void>
  blockDevice: (peerId: string) => Promise<void>
  unblockDevice: (peerId: string) => Promise<void>
}

const decoders = {
  state: createSchemaDecoder(StateResponse, 'PROTOCOL_INVALID_MESSAGE', 'daemon state'),
  send: createSchemaDecoder(SendResponse, 'PROTOCOL_INVALID_MESSAGE', 'send answer'),
  ok: createSchemaDecoder(OkResponse, 'PROTOCOL_INVALID_MESSAGE', 'daemon answer'),
  history: createSchemaDecoder(HistoryResponse, 'PROTOCOL_INVALID_MESSAGE', 'history'),
  settings: createSchemaDecoder(SettingsView, 'PROTOCOL_INVALID_MESSAGE', 'settings'),
  files: createSchemaDecoder(OpenFilesResponse, 'PROTOCOL_INVALID_MESSAGE', 'dialog answer'),
  folder: createSchemaDecoder(PickFolderResponse, 'PROTOCOL_INVALID_MESSAGE', 'dialog answer'),
  error: createSchemaDecoder(ApiErrorBody, 'PROTOCOL_INVALID_MESSAGE', 'error answer'),
  event: createSchemaDecoder(DaemonEvent, 'PROTOCOL_INVALID_MESSAGE', 'daemon event'),
  pairing: createSchemaDecoder(PairingView, 'PROTOCOL_INVALID_MESSAGE', 'pairing answer'),
  device: createSchemaDecoder(DeviceView, 'PROTOCOL_INVALID_MESSAGE', 'device answer')
}

export function createDaemonClient (options: DaemonClientOptions): DaemonClient {
  const base = options.baseUrl.replace(/\/+$/, '')
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const Socket = options.WebSocket ?? globalThis.WebSocket

  const request = async <T extends TSchema>(method: string, path: string, decoder: SchemaDecoder<T>, init: { json?: unknown, body?: BodyInit, contentType?: string, signal?: AbortSignal } = {}): Promise<Static<T>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` }
    let body: BodyInit | undefined = init.body
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(init.json)
    } else if (init.contentType !== undefined) {
      headers['content-type'] = init.contentType
    }
    let response: Response
    try {
      response = await doFetch(`${base}${LOCAL_API_PREFIX}${path}`, { method, headers, body, signal: init.signal })
    } catch (err) {
      if (init.signal?.aborted === true) throw new AppError('TRANSFER_CANCELLED', 'cancelled', { cause: err })
      throw new AppError('INTERNAL_ERROR', `the daemon cannot be reached at ${base}: is it running?`, { cause: err })
    }
    const text = await response.text()
    if (!response.ok) throw toError(response.status, text)
    return decoder.decodeJson(text)
  }

  return {
    state: async () => await request('GET', '/state', decoders.state),
    send: async (to, paths) => await request('POST', '/transfers', decoders.send, { json: { to, paths } }),
    async upload (to, items, signal): Promise<SendResponse> {
      const files: UploadFile[] = items.map(item => ({ path: item.path, size: item.file.size }))
      // One line of JSON naming the files, then their bytes: a Blob streams them without copying.
      const body = new Blob([JSON.stringify(files) + '\n', ...items.map(item => item.file)])
      return await request('POST', `/transfers/upload?to=${encodeURIComponent(to)}`, decoders.send, { body, contentType: 'application/octet-stream', signal })
    },
    async cancel (id): Promise<void> { await request('POST', `/transfers/${encodeURIComponent(id)}/cancel`, decoders.ok) },
    async resume (id): Promise<void> { await request('POST', `/transfers/${encodeURIComponent(id)}/resume`, decoders.ok) },
    async acceptOffer (id, alwaysAccept = false): Promise<void> {
      await request('POST', `/offers/${encodeURIComponent(id)}/accept`, decoders.ok, { json: { alwaysAccept } })
    },
    async declineOffer (id): Promise<void> { await request('POST', `/offers/${encodeURIComponent(id)}/decline`, decoders.ok) },
    history: async () => await request('GET', '/history', decoders.history),
    async clearHistory (): Promise<void> { await request('DELETE', '/history', decoders.ok) },
    async openHistoryFolder (id): Promise<void> { await request('POST', `/history/${encodeURIComponent(id)}/open-folder`, decoders.ok) },
    updateSettings: async update => await request('PUT', '/settings', decoders.settings, { json: update }),
    openFilesDialog: async () => (await request('POST', '/dialog/open-files', decoders.files)).paths,
    pickFolderDialog: async () => (await request('POST', '/dialog/pick-folder', decoders.folder)).path,
    startPairing: async () => await request('POST', '/pairing', decoders.pairing),
    joinPairing: async code => await request('POST', '/pairing/join', decoders.device, { json: { code } }),
    async cancelPairing (): Promise<void> { await request('DELETE', '/pairing', decoders.ok) },
    async unpairDevice (peerId): Promise<void> { await request('POST', `/devices/${encodeURIComponent(peerId)}/unpair`, decoders.ok) },
    async blockDevice (peerId): Promise<void> { await request('POST', `/devices/${encodeURIComponent(peerId)}/block`, decoders.ok) },
    async unblockDevice (peerId): Promise<void> { await request('POST', `/devices/${encodeURIComponent(peerId)}/unblock`, decoders.ok) },
    events (handlers): EventSubscription {
      const url = new URL(`${base}${LOCAL_API_EVENTS_PATH}`)
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
      url.searchParams.set(LOCAL_API_TOKEN_PARAM, options.token)
      const socket = new Socket(url.toString())
      socket.addEventListener('open', () => { handlers.onOpen?.() })
      socket.addEventListener('close', (event) => { handlers.onClose?.(event.code) })
      socket.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') return
        let message: DaemonEvent
        try {
          message = decoders.event.decodeJson(event.data)
        } catch {
          return // a newer daemon's event this client does not know: skipped
        }
        handlers.onMessage(message)
      })
      return { close: () => { socket.close() } }
    }
  }
}

/** An HTTP error answer as an AppError with the daemon's code and message. */
function toError (status: number, text: string): AppError {
  try {
    const body = decoders.error.decodeJson(text)
    const code = body.error.code
    return new AppError(isErrorCode(code) ? code : 'INTERNAL_ERROR', body.error.message)
  } catch {
    return new AppError(status === 401 ? 'API_UNAUTHORIZED' : 'INTERNAL_ERROR', `the daemon answered HTTP ${status}`)
  }
}

/** The token the daemon put in the page's URL (`#token=…`, or `?token=…`). */
export function tokenFromLocation (location: { hash: string, search: string }): string | undefined {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get(LOCAL_API_TOKEN_PARAM)
  const fromQuery = new URLSearchParams(location.search).get(LOCAL_API_TOKEN_PARAM)
  return fromHash ?? fromQuery ?? undefined
}
