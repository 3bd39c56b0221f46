import { join } from 'node:path'
import type { Client } from '../../client/create-client.ts'
import { readDaemonEndpoint, removeDaemonEndpoint, writeDaemonEndpoint } from '../../api/daemon-endpoint.ts'
import { findGuiDir } from '../../api/gui-assets.ts'
import { removeStaleUploads } from '../../api/stale-uploads.ts'
import { startLocalApi } from '../../api/start-local-api.ts'
import {
  BROWSER_PROFILE_DIR_NAME, HISTORY_FILE_NAME, STALE_JOURNAL_MAX_AGE_MS, TRANSFER_STATE_DIR_NAME, UPLOADS_DIR_NAME
} from '../../constants.ts'
import { createDaemonService } from '../../daemon/daemon-service.ts'
import { createOutgoingTransfersStore } from '../../daemon/outgoing-transfers-store.ts'
import { openAppWindow } from '../../desktop/app-window.ts'
import { createCommandRunner, type CommandRunner } from '../../desktop/command-runner.ts'
import { createFileDialog } from '../../desktop/file-dialog.ts'
import { createHistoryStore } from '../../history/history-store.ts'
import { createFileResumeStore } from '../../transfer-state/file-resume-store.ts'
import type { IncomingTransfers } from '../../transfers/incoming-transfers.ts'
import { pruneStaleJournals } from '../../transfer-state/prune-stale-journals.ts'
import { booleanFlag, stringFlag } from '../command-line.ts'
import { resolveDownloadDir, type CommandContext } from '../command-context.ts'
import { serveReceiver, type ReceiverAttachment } from './serve-receiver.ts'

export interface DaemonCommandDeps {
  /** Runs dialogs, browsers and file managers. @default the real child_process runner */
  runner?: CommandRunner
}

/**
 * `p2p-client daemon`: the long-running device. Serves the GUI and the local API on
 * 127.0.0.1 and opens the app window (unless --no-gui).
 */
export async function runDaemon (context: CommandContext, deps: DaemonCommandDeps = {}): Promise<number> {
  const downloadDir = resolveDownloadDir(context, 'download-dir')
  const autoAccept = booleanFlag(context.parsed, 'auto-accept') || context.settings.autoAccept === true
  const keepPartial = booleanFlag(context.parsed, 'keep-partial') || context.settings.keepPartial === true
  const running = await readDaemonEndpoint(context.dataDir)
  if (running !== undefined) {
    context.log.warn({ pid: running.pid }, 'another daemon seems to use this data dir; its window may stop working')
  }
  return await serveReceiver(context, {
    name: stringFlag(context.parsed, 'name') ?? context.settings.name,
    downloadDir,
    autoAccept,
    keepPartial,
    once: false,
    attach: async (client, incoming) => await attachDaemon(context, client, incoming, { downloadDir, autoAccept, keepPartial, runner: deps.runner ?? createCommandRunner() })
  })
}

/** Wires history, the daemon service, the local API and the window onto a started client. */
async function attachDaemon (context: CommandContext, client: Client, incoming: IncomingTransfers, options: { downloadDir: string, autoAccept: boolean, keepPartial: boolean, runner: CommandRunner }): Promise<ReceiverAttachment> {
  const { dataDir, log } = context
  const history = createHistoryStore({ path: join(dataDir, HISTORY_FILE_NAME), log })
  const dialog = createFileDialog({ runner: options.runner })
  const outgoing = createOutgoingTransfersStore({ log }, { dataDir })
  const restored = await outgoing.load()
  const uploadsDir = join(dataDir, UPLOADS_DIR_NAME)
  // Uploads a crash interrupted will never be sent; those of sends kept for Resume stay.
  await removeStaleUploads(uploadsDir, new Set(restored.map(transfer => transfer.id)))
  const stateDir = join(dataDir, TRANSFER_STATE_DIR_NAME)
  await pruneStaleJournals({ store: createFileResumeStore({ dir: stateDir, log }), log }, { dir: stateDir, maxAgeMs: STALE_JOURNAL_MAX_AGE_MS })
  const service = createDaemonService({ client, history, outgoing, incoming, log, report: context.report }, {
    dataDir,
    name: client.name,
    server: context.server,
    room: context.rooms[0],
    downloadDir: options.downloadDir,
    autoAccept: options.autoAccept,
    keepPartial: options.keepPartial,
    acceptPaired: context.settings.acceptPaired === true,
    relayOnly: context.io.env.P2PFT_RELAY_ONLY === '1',
    lane: context.io.env.P2PFT_LANE !== '0',
    dialogAvailable: await dialog.isAvailable(),
    restored
  })
  const api = await startLocalApi({ service, dialog, runner: options.runner, log }, {
    guiDir: findGuiDir(),
    uploadsDir
  })
  await writeDaemonEndpoint(dataDir, { url: api.baseUrl, token: api.token, pid: process.pid })
  if (context.json) {
    context.io.stdout.write(JSON.stringify({ event: 'gui', url: api.guiUrl }) + '\n')
  } else {
    context.io.stdout.write(`Open ${api.guiUrl}\n`)
  }
  if (!booleanFlag(context.parsed, 'no-gui')) {
    try {
      const opened = await openAppWindow(api.guiUrl, { runner: options.runner, profileDir: join(dataDir, BROWSER_PROFILE_DIR_NAME) })
      log.info({ kind: opened.kind, command: opened.command }, 'app window opened')
    } catch (err) {
      log.warn({ err }, 'could not open the app window; open the URL above in a browser')
    }
  }

  return {
    decide: service.decide,
    report: service.handleEvent,
    downloadDir: service.downloadDir,
    keepPartial: service.keepPartial,
    async close (): Promise<void> {
      service.close()
      await api.close()
      await removeDaemonEndpoint(dataDir)
      history.close()
    }
  }
}
