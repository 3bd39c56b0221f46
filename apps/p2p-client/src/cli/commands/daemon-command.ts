import { booleanFlag, stringFlag } from '../command-line.ts'
import { resolveDownloadDir, type CommandContext } from '../command-context.ts'
import { serveReceiver } from './serve-receiver.ts'

/** `p2p-client daemon`: the long-running device (the GUI and local API attach to it). */
export async function runDaemon (context: CommandContext): Promise<number> {
  return await serveReceiver(context, {
    name: stringFlag(context.parsed, 'name') ?? context.settings.name,
    downloadDir: resolveDownloadDir(context, 'download-dir'),
    autoAccept: booleanFlag(context.parsed, 'auto-accept') || context.settings.autoAccept === true,
    once: false
  })
}
