import { booleanFlag, stringFlag } from '../command-line.ts'
import { resolveDownloadDir, type CommandContext } from '../command-context.ts'
import { serveReceiver } from './serve-receiver.ts'

/** `p2p-client receive`: wait for files (once, or until Ctrl-C). */
export async function runReceive (context: CommandContext): Promise<number> {
  return await serveReceiver(context, {
    name: stringFlag(context.parsed, 'name') ?? context.settings.name,
    downloadDir: resolveDownloadDir(context, 'dir'),
    autoAccept: booleanFlag(context.parsed, 'yes'),
    keepPartial: booleanFlag(context.parsed, 'keep-partial'),
    once: booleanFlag(context.parsed, 'once')
  })
}
