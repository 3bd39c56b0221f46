import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Type, { type Static } from 'typebox'
import { AppError, PeerIdText, createSchemaDecoder } from '@p2pft/protocol'
import { TRUSTED_DEVICES_FILE_NAME } from '../constants.ts'

/** Devices whose offers are accepted without asking ("always accept from this device"). */
const TrustedDevicesFile = Type.Object({
  peers: Type.Array(Type.Object({ peerId: PeerIdText, name: Type.String({ maxLength: 256 }) }), { maxItems: 1000 })
})
export type TrustedDevice = Static<typeof TrustedDevicesFile>['peers'][number]

const decoder = createSchemaDecoder(TrustedDevicesFile, 'CONFIG_INVALID', 'trusted devices file')

/** Reads trusted-devices.json from the data dir; missing means none. */
export async function loadTrustedDevices (dataDir: string): Promise<TrustedDevice[]> {
  const path = join(dataDir, TRUSTED_DEVICES_FILE_NAME)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new AppError('CONFIG_INVALID', `cannot read ${path}`, { cause: err })
  }
  try {
    return decoder.decodeJson(text).peers
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `${path}: ${(err as Error).message}; fix or delete the file`, { cause: err })
  }
}

/** Writes the list atomically (temp file + rename). */
export async function saveTrustedDevices (dataDir: string, peers: TrustedDevice[]): Promise<void> {
  const body = decoder.decode({ peers })
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, TRUSTED_DEVICES_FILE_NAME)
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 })
  await rename(temp, path)
}
