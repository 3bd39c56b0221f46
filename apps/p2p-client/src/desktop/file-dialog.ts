import { homedir } from 'node:os'
import { AppError } from '@p2pft/protocol'
import { FILE_DIALOG_TIMEOUT_MS } from '../constants.ts'
import type { CommandRunner } from './command-runner.ts'

/** The system's own file dialogs, so the daemon gets real paths and reads the files itself. */
export interface FileDialog {
  isAvailable: () => Promise<boolean>
  /** Absolute paths; empty when the person cancelled. `startIn`: a folder to open, or a file to preselect. */
  openFiles: (startIn?: string) => Promise<string[]>
  /** An absolute path, or null when cancelled. */
  pickFolder: (startIn?: string) => Promise<string | null>
}

export interface FileDialogDeps {
  runner: CommandRunner
  /** @default process.platform */
  platform?: NodeJS.Platform
  /** Only DISPLAY and WAYLAND_DISPLAY are read (Linux dialogs need a display). @default process.env */
  env?: NodeJS.ProcessEnv
}

interface DialogCommand { command: string, args: string[] }
interface DialogTool { command: string, openFiles: (startIn?: string) => DialogCommand, pickFolder: (startIn?: string) => DialogCommand }

const FILES_TITLE = 'Choose files to send'
const FOLDER_TITLE = 'Choose a folder'

/** An AppleScript string literal. */
function appleString (text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

/** A PowerShell single-quoted string literal (nothing inside is expanded). */
function powerShellString (text: string): string {
  return `'${text.replaceAll("'", "''")}'`
}

// AppleScript: one POSIX path per line; cancelling exits 1 ("User canceled").
function osascriptFiles (startIn?: string): string[] {
  const where = startIn === undefined ? '' : ` default location (POSIX file ${appleString(startIn)})`
  return [
    `set picked to choose file with prompt ${appleString(FILES_TITLE)}${where} with multiple selections allowed`,
    'set out to ""',
    'repeat with f in picked',
    'set out to out & POSIX path of f & linefeed',
    'end repeat',
    'return out'
  ]
}

function osascriptFolder (startIn?: string): string[] {
  const where = startIn === undefined ? '' : ` default location (POSIX file ${appleString(startIn)})`
  return [`POSIX path of (choose folder with prompt ${appleString(FOLDER_TITLE)}${where})`]
}

// PowerShell: WinForms dialogs need STA; paths go out as UTF-8, one per line.
const POWERSHELL_PRELUDE = 'Add-Type -AssemblyName System.Windows.Forms; [Console]::OutputEncoding = [Text.Encoding]::UTF8; '

function powerShellFiles (startIn?: string): string {
  return POWERSHELL_PRELUDE +
    `$d = New-Object System.Windows.Forms.OpenFileDialog; $d.Multiselect = $true; $d.Title = ${powerShellString(FILES_TITLE)}; ` +
    (startIn === undefined ? '' : `$d.InitialDirectory = ${powerShellString(startIn)}; `) +
    'if ($d.ShowDialog() -eq [System.Windows.Forms.DialogResult]::OK) { $d.FileNames -join "`n" } else { exit 1 }'
}

function powerShellFolder (startIn?: string): string {
  return POWERSHELL_PRELUDE +
    `$d = New-Object System.Windows.Forms.FolderBrowserDialog; $d.Description = ${powerShellString(FOLDER_TITLE)}; ` +
    (startIn === undefined ? '' : `$d.SelectedPath = ${powerShellString(startIn)}; `) +
    'if ($d.ShowDialog() -eq [System.Windows.Forms.DialogResult]::OK) { $d.SelectedPath } else { exit 1 }'
}

/** Every dialog tool for a platform, in order of preference. */
export function dialogToolsFor (platform: NodeJS.Platform): DialogTool[] {
  switch (platform) {
    case 'darwin':
      return [{
        command: 'osascript',
        openFiles: startIn => ({ command: 'osascript', args: osascriptFiles(startIn).flatMap(line => ['-e', line]) }),
        pickFolder: startIn => ({ command: 'osascript', args: osascriptFolder(startIn).flatMap(line => ['-e', line]) })
      }]
    case 'win32': {
      const ps = ['-NoProfile', '-NonInteractive', '-STA', '-Command']
      return [{
        command: 'powershell.exe',
        openFiles: startIn => ({ command: 'powershell.exe', args: [...ps, powerShellFiles(startIn)] }),
        pickFolder: startIn => ({ command: 'powershell.exe', args: [...ps, powerShellFolder(startIn)] })
      }]
    }
    default:
      // zenity's --filename preselects a file, or opens a folder given with a trailing '/'.
      return [{
        command: 'zenity',
        openFiles: startIn => ({ command: 'zenity', args: ['--file-selection', '--multiple', '--separator=\n', `--title=${FILES_TITLE}`, ...(startIn === undefined ? [] : [`--filename=${startIn}`])] }),
        pickFolder: startIn => ({ command: 'zenity', args: ['--file-selection', '--directory', `--title=${FOLDER_TITLE}`, ...(startIn === undefined ? [] : [`--filename=${startIn}/`])] })
      }, {
        command: 'kdialog',
        openFiles: startIn => ({ command: 'kdialog', args: ['--title', FILES_TITLE, '--getopenfilename', startIn ?? homedir(), '--multiple', '--separate-output'] }),
        pickFolder: startIn => ({ command: 'kdialog', args: ['--title', FOLDER_TITLE, '--getexistingdirectory', startIn ?? homedir()] })
      }]
  }
}

/**
 * Zenity, else kdialog on Linux (they need a display), osascript on macOS, PowerShell on
 * Windows. The first tool found is used; none found means the GUI offers its file input.
 */
export function createFileDialog (deps: FileDialogDeps): FileDialog {
  const platform = deps.platform ?? process.platform
  const env = deps.env ?? process.env
  let chosen: Promise<DialogTool | undefined> | undefined

  const findTool = async (): Promise<DialogTool | undefined> => {
    const needsDisplay = platform !== 'darwin' && platform !== 'win32'
    if (needsDisplay && !nonEmpty(env.DISPLAY) && !nonEmpty(env.WAYLAND_DISPLAY)) return undefined
    for (const tool of dialogToolsFor(platform)) {
      if (await deps.runner.exists(tool.command)) return tool
    }
    return undefined
  }
  const tool = async (): Promise<DialogTool> => {
    chosen ??= findTool()
    const found = await chosen
    if (found === undefined) {
      throw new AppError('API_DIALOG_UNAVAILABLE', platform === 'linux'
        ? 'no file dialog is available (install zenity or kdialog, and run the app in a desktop session); use "Choose files" instead'
        : 'the system file dialog could not be opened; use "Choose files" instead')
    }
    return found
  }

  /** Lines of the dialog's output, or null when the person cancelled. */
  const show = async (command: DialogCommand): Promise<string[] | null> => {
    const result = await deps.runner.run(command.command, command.args, { timeoutMs: FILE_DIALOG_TIMEOUT_MS })
    // Every tool exits 1 on Cancel (zenity, kdialog, osascript's "User canceled", our PowerShell).
    if (result.code === 1) return null
    if (result.code !== 0) {
      throw new AppError('API_DIALOG_UNAVAILABLE', `the file dialog (${command.command}) failed: ${result.stderr.trim().slice(0, 200) || `exit code ${String(result.code)}`}`)
    }
    return result.stdout.split(/\r?\n/).filter(line => line !== '')
  }

  return {
    async isAvailable (): Promise<boolean> {
      chosen ??= findTool()
      return (await chosen) !== undefined
    },
    async openFiles (startIn): Promise<string[]> {
      return (await show((await tool()).openFiles(startIn))) ?? []
    },
    async pickFolder (startIn): Promise<string | null> {
      const lines = await show((await tool()).pickFolder(startIn))
      const path = lines?.[0]
      // osascript ends folder paths with '/'; a root (`/`, `C:\\`) keeps its separator.
      return path === undefined ? null : path.replace(/(?<=[^\\/:])[\\/]+$/, '')
    }
  }
}

function nonEmpty (value: string | undefined): boolean {
  return value !== undefined && value !== ''
}
