import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where a device keeps its identity, settings and history when --data-dir is not given:
 * the platform's usual place for per-user application data.
 */
export function defaultDataDir (env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.P2PFT_DATA_DIR !== undefined && env.P2PFT_DATA_DIR !== '') return env.P2PFT_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'P2P File Transfer')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'P2P File Transfer')
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'p2p-file-transfer')
}

/** The folder received files go to when none is configured. */
export function defaultDownloadDir (): string {
  return join(homedir(), 'Downloads')
}
