import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAppError } from '@p2pft/protocol'
import { loadSettings, saveSettings } from './settings-store.ts'

test('missing settings mean defaults; saved settings load back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-settings-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  assert.deepEqual(await loadSettings(dir), {})
  await saveSettings(dir, { name: 'Alice', room: 'family', autoAccept: true })
  assert.deepEqual(await loadSettings(dir), { name: 'Alice', room: 'family', autoAccept: true })
})

test('a settings file that breaks the schema is a CONFIG_INVALID error naming the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-settings-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  await writeFile(join(dir, 'settings.json'), JSON.stringify({ name: 42 }))
  await assert.rejects(loadSettings(dir), (err: unknown) => isAppError(err, 'CONFIG_INVALID') && err.message.includes('settings.json'))
  await writeFile(join(dir, 'settings.json'), '{ not json')
  await assert.rejects(loadSettings(dir), (err: unknown) => isAppError(err, 'CONFIG_INVALID'))
})
