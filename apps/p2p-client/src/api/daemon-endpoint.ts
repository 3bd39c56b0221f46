import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DaemonEndpoint, createSchemaDecoder } from '@p2pft/protocol'
import { DAEMON_ENDPOINT_FILE_NAME } from '../constants.ts'

const decoder = createSchemaDecoder(DaemonEndpoint, 'CONFIG_INVALID', 'daemon endpoint file')

/** Tells other commands on this machine where the running daemon's API is (mode 0600: the token is in it). */
export async function writeDaemonEndpoint (dataDir: string, endpoint: DaemonEndpoint): Promise<void> {
  await writeFile(join(dataDir, DAEMON_ENDPOINT_FILE_NAME), JSON.stringify(endpoint) + '\n', { mode: 0o600 })
}

/** The running daemon's endpoint, or undefined when none is recorded (or its process is gone). */
export async function readDaemonEndpoint (dataDir: string): Promise<DaemonEndpoint | undefined> {
  let endpoint: DaemonEndpoint
  try {
    endpoint = decoder.decodeJson(await readFile(join(dataDir, DAEMON_ENDPOINT_FILE_NAME), 'utf8'))
  } catch {
    return undefined
  }
  try {
    process.kill(endpoint.pid, 0)
    return endpoint
  } catch {
    return undefined
  }
}

export async function removeDaemonEndpoint (dataDir: string): Promise<void> {
  await rm(join(dataDir, DAEMON_ENDPOINT_FILE_NAME), { force: true })
}
