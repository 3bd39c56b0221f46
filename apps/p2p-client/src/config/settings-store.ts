import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Type, { type Static } from 'typebox'
import { AppError, DisplayName, RoomName, createSchemaDecoder } from '@p2pft/protocol'
import { SETTINGS_FILE_NAME } from '../constants.ts'

/** What a user can set; every field optional so an old or hand-edited file still loads. */
export const Settings = Type.Object({
  name: Type.Optional(DisplayName),
  server: Type.Optional(Type.String({ maxLength: 2048 })),
  room: Type.Optional(RoomName),
  downloadDir: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  autoAccept: Type.Optional(Type.Boolean())
})
export type Settings = Static<typeof Settings>

const settingsDecoder = createSchemaDecoder(Settings, 'CONFIG_INVALID', 'settings file')

/** Reads settings.json from the data dir; a missing file means defaults. */
export async function loadSettings (dataDir: string): Promise<Settings> {
  const path = join(dataDir, SETTINGS_FILE_NAME)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new AppError('CONFIG_INVALID', `cannot read settings file ${path}`, { cause: err })
  }
  try {
    return settingsDecoder.decodeJson(text)
  } catch (err) {
    throw new AppError('CONFIG_INVALID', `${path}: ${(err as Error).message}; fix or delete the file`, { cause: err })
  }
}

/** Writes settings atomically (temp file + rename) so a crash never leaves half a file. */
export async function saveSettings (dataDir: string, settings: Settings): Promise<void> {
  settingsDecoder.decode(settings)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, SETTINGS_FILE_NAME)
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 })
  await rename(temp, path)
}
