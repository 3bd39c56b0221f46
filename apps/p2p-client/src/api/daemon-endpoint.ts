import { readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { DaemonEndpoint, createSchemaDecoder } from '@p2pft/protocol'
import { writePrivateFile } from '../config/write-private-file.ts'
import { DAEMON_ENDPOINT_FILE_NAME } from '../constants.ts'

const decoder = createSchemaDecoder(DaemonEndpoint, 'CONFIG_INVALID', 'daemon endpoint file')

/** Tells other commands on this machine where the running daemon's API is (mode 0600: the token is in it). */
export async function writeDaemonEndpoint (dataDir: string, endpoint: DaemonEndpoint): Promise<void> {
  await writePrivateFile(join(dataDir, DAEMON_ENDPOINT_FILE_NAME), JSON.stringify(endpoint) + '\n')
}

/** The running daemon's endpoint, or undefined when none is recorded (or its process is gone). */
export async function readDaemonEndpoint (dataDir: string): Promise<DaemonEndpoint | undefined> {
  const path = join(dataDir, DAEMON_ENDPOINT_FILE_NAME)
  let endpoint: DaemonEndpoint
  try {
    // One that others could have written may point anywhere: not ours to trust.
    const info = await stat(path)
    if ((info.mode & 0o077) !== 0 || (process.getuid !== undefined && info.uid !== process.getuid())) return undefined
    endpoint = decoder.decodeJson(await readFile(path, 'utf8'))
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
