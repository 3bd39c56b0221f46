import type { CommandRunner } from './command-runner.ts'

/** The system's file-manager opener for each platform. */
export function openFolderCommand (path: string, platform: NodeJS.Platform): { command: string, args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [path] }
  if (platform === 'win32') return { command: 'explorer.exe', args: [path] }
  return { command: 'xdg-open', args: [path] }
}

/** Shows a folder in the system's file manager (it outlives the daemon). */
export function openFolder (path: string, runner: CommandRunner, platform: NodeJS.Platform = process.platform): void {
  const { command, args } = openFolderCommand(path, platform)
  runner.spawnDetached(command, args)
}
