import type { CommandResult, CommandRunner } from './command-runner.ts'

/** A CommandRunner for tests: records calls, knows a fixed set of programs, answers with canned results. */
export interface FakeCommandRunner extends CommandRunner {
  calls: Array<{ command: string, args: string[], detached: boolean }>
}

export function createFakeCommandRunner (installed: string[], answer: (command: string, args: string[]) => CommandResult = () => ({ code: 0, stdout: '', stderr: '' })): FakeCommandRunner {
  const calls: FakeCommandRunner['calls'] = []
  return {
    calls,
    async run (command, args) {
      calls.push({ command, args, detached: false })
      return answer(command, args)
    },
    spawnDetached (command, args) {
      calls.push({ command, args, detached: true })
    },
    exists: async command => installed.includes(command)
  }
}
