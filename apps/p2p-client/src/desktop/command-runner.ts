import { spawn } from 'node:child_process'
import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { delimiter, isAbsolute, join } from 'node:path'

export interface CommandResult {
  /** null when the command could not be started or was killed. */
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the programs the desktop needs (dialogs, browsers, file managers); injectable for tests. */
export interface CommandRunner {
  /** Runs to the end and collects its output. */
  run: (command: string, args: string[], options?: { timeoutMs?: number }) => Promise<CommandResult>
  /** Starts a program that outlives us (a browser window) without waiting for it. */
  spawnDetached: (command: string, args: string[]) => void
  /** True for an executable absolute path, or a name found in PATH. */
  exists: (command: string) => Promise<boolean>
}

export interface CommandRunnerOptions {
  /** @default process.env */
  env?: NodeJS.ProcessEnv
  /** @default process.platform */
  platform?: NodeJS.Platform
}

/** The real runner: child_process, searching PATH (and PATHEXT on Windows). */
export function createCommandRunner (options: CommandRunnerOptions = {}): CommandRunner {
  const env = options.env ?? process.env
  const platform = options.platform ?? process.platform

  const isExecutable = async (path: string): Promise<boolean> => {
    try {
      await access(path, platform === 'win32' ? constants.F_OK : constants.X_OK)
      return true
    } catch {
      return false
    }
  }

  return {
    async run (command, args, runOptions = {}): Promise<CommandResult> {
      return await new Promise((resolve) => {
        const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, timeout: runOptions.timeoutMs })
        let stdout = ''
        let stderr = ''
        child.stdout.setEncoding('utf8').on('data', (data: string) => { stdout += data })
        child.stderr.setEncoding('utf8').on('data', (data: string) => { stderr += data })
        child.on('error', (err) => { resolve({ code: null, stdout, stderr: stderr + err.message }) })
        child.on('close', (code) => { resolve({ code, stdout, stderr }) })
      })
    },
    spawnDetached (command, args): void {
      const child = spawn(command, args, { env, stdio: 'ignore', detached: true, windowsHide: false })
      child.on('error', () => {})
      child.unref()
    },
    async exists (command): Promise<boolean> {
      if (isAbsolute(command)) return await isExecutable(command)
      const extensions = platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : ['']
      for (const dir of (env.PATH ?? '').split(delimiter)) {
        if (dir === '') continue
        for (const ext of extensions) if (await isExecutable(join(dir, command + ext))) return true
      }
      return false
    }
  }
}
