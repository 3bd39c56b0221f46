import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import Type, { type Static } from 'typebox'
import { AppError, DisplayName, RoomName, createSchemaDecoder } from '@p2pft/protocol'
import { SETTINGS_FILE_NAME } from '../constants.ts'
import { makePrivateDir } from './private-files.ts'
import { writePrivateFile } from './write-private-file.ts'

/** What a user can set; every field optional so an old or hand-edited file still loads. */
export const Settings = Type.Object({
  name: Type.Optional(DisplayName),
  server: Type.Optional(Type.String({ maxLength: 2048 })),
  room: Type.Optional(RoomName),
  downloadDir: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  autoAccept: Type.Optional(Type.Boolean()),
  /** A cancelled receive keeps its partial data to resume later (`--keep-partial`). */
  keepPartial: Type.Optional(Type.Boolean()),
  /** Accept offers from paired devices without asking (the "paired" auto-accept policy). */
  acceptPaired: Type.Optional(Type.Boolean())
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

/** Writes settings atomically (temp file + rename) so a crash never leaves half a file; private (0600). */
export async function saveSettings (dataDir: string, settings: Settings): Promise<void> {
  settingsDecoder.decode(settings)
  makePrivateDir(dataDir)
  await writePrivateFile(join(dataDir, SETTINGS_FILE_NAME), JSON.stringify(settings, null, 2) + '\n')
}
