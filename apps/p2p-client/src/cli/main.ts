import { isAppError, toAppError } from '@p2pft/protocol'
import { parseCommandLine, USAGE, type CommandName } from './command-line.ts'
import { createCommandContext, type CommandContext, type CommandIo } from './command-context.ts'

// Each command loads only its own modules when it runs: a `send` or `receive` never needs
// the daemon's local API, history or GUI server (megabytes of resident memory apiece).
const COMMANDS: Record<CommandName, (context: CommandContext) => Promise<number>> = {
  daemon: async (context) => await (await import('./commands/daemon-command.ts')).runDaemon(context),
  peers: async (context) => await (await import('./commands/peers-command.ts')).runPeers(context),
  send: async (context) => await (await import('./commands/send-command.ts')).runSend(context),
  receive: async (context) => await (await import('./commands/receive-command.ts')).runReceive(context),
  pair: async (context) => await (await import('./commands/pair-command.ts')).runPair(context),
  devices: async (context) => await (await import('./commands/devices-command.ts')).runDevices(context),
  unpair: async (context) => await (await import('./commands/devices-command.ts')).runUnpair(context),
  block: async (context) => await (await import('./commands/devices-command.ts')).runBlock(context),
  unblock: async (context) => await (await import('./commands/devices-command.ts')).runUnblock(context)
}

/** Exit codes: 0 done, 1 failed, 2 bad command line, 130 interrupted. */
export async function main (argv: string[], io: CommandIo): Promise<number> {
  const controller = new AbortController()
  const interrupt = (): void => { controller.abort() }
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  let json = argv.includes('--json')
  try {
    const parsed = parseCommandLine(argv)
    if (parsed === 'help') {
      io.stdout.write(USAGE + '\n')
      return 0
    }
    const context = await createCommandContext(parsed, io, controller.signal)
    json = context.json
    const code = await COMMANDS[parsed.command](context)
    return controller.signal.aborted ? 130 : code
  } catch (err) {
    const error = toAppError(err, 'INTERNAL_ERROR', `unexpected failure: ${(err as Error)?.message ?? String(err)}`)
    if (json) {
      io.stdout.write(JSON.stringify({ event: 'error', code: error.code, message: error.message }) + '\n')
    } else {
      io.stderr.write(`p2p-client: ${error.message} [${error.code}]\n`)
    }
    if (error.code === 'INTERNAL_ERROR') io.stderr.write(`${(error.cause as Error)?.stack ?? ''}\n`)
    if (isAppError(error, 'CLI_INVALID_ARGUMENTS')) return 2
    return controller.signal.aborted ? 130 : 1
  } finally {
    process.off('SIGINT', interrupt)
    process.off('SIGTERM', interrupt)
  }
}
