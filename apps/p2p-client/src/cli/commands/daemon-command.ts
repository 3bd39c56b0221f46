import { join } from 'node:path'
import type { Client } from '../../client/create-client.ts'
import { readDaemonEndpoint, removeDaemonEndpoint, writeDaemonEndpoint } from '../../api/daemon-endpoint.ts'
import { findGuiDir } from '../../api/gui-assets.ts'
import { startLocalApi } from '../../api/start-local-api.ts'
import { BROWSER_PROFILE_DIR_NAME, HISTORY_FILE_NAME, UPLOADS_DIR_NAME } from '../../constants.ts'
import { createDaemonService } from '../../daemon/daemon-service.ts'
import { loadTrustedDevices } from '../../daemon/trusted-devices.ts'
import { openAppWindow } from '../../desktop/app-window.ts'
import { createCommandRunner, type CommandRunner } from '../../desktop/command-runner.ts'
import { createFileDialog } from '../../desktop/file-dialog.ts'
import { createHistoryStore } from '../../history/history-store.ts'
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
  const running = await readDaemonEndpoint(context.dataDir)
  if (running !== undefined) {
    context.log.warn({ pid: running.pid }, 'another daemon seems to use this data dir; its window may stop working')
  }
  return await serveReceiver(context, {
    name: stringFlag(context.parsed, 'name') ?? context.settings.name,
    downloadDir,
    autoAccept,
    once: false,
    attach: async client => await attachDaemon(context, client, { downloadDir, autoAccept, runner: deps.runner ?? createCommandRunner() })
  })
}

/** Wires history, the daemon service, the local API and the window onto a started client. */
async function attachDaemon (context: CommandContext, client: Client, options: { downloadDir: string, autoAccept: boolean, runner: CommandRunner }): Promise<ReceiverAttachment> {
  const { dataDir, log } = context
  const history = createHistoryStore({ path: join(dataDir, HISTORY_FILE_NAME), log })
  const dialog = createFileDialog({ runner: options.runner })
  const service = createDaemonService({ client, history, log, report: context.report }, {
    dataDir,
    name: client.name,
    server: context.server,
    room: context.rooms[0],
    downloadDir: options.downloadDir,
    autoAccept: options.autoAccept,
    trusted: await loadTrustedDevices(dataDir),
    relayOnly: context.io.env.P2PFT_RELAY_ONLY === '1',
    dialogAvailable: await dialog.isAvailable()
  })
  const api = await startLocalApi({ service, dialog, runner: options.runner, log }, {
    guiDir: findGuiDir(),
    uploadsDir: join(dataDir, UPLOADS_DIR_NAME)
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
    async close (): Promise<void> {
      service.close()
      await api.close()
      await removeDaemonEndpoint(dataDir)
      history.close()
    }
  }
}
