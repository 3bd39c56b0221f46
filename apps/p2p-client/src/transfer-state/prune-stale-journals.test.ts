import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { createFileResumeStore } from './file-resume-store.ts'
import { pruneStaleJournals } from './prune-stale-journals.ts'

const log = pino({ level: 'silent' })
const DAY_MS = 24 * 60 * 60_000

test('journals untouched for longer than the limit are pruned with their .part files; recent ones stay', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'p2pft-prune-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const stateDir = join(root, 'transfers')
  const downloads = join(root, 'downloads')
  await mkdir(downloads)
  const store = createFileResumeStore({ dir: stateDir, log })
  for (const [key, name] of [['old0', 'old.bin'], ['new0', 'new.bin']] as const) {
    await store.append(key, [
      { type: 'plan', version: 1, senderPeerId: 'peer', offerHash: 'hash', root: downloads, targets: [{ relativePath: name, relativeDir: '', name }], createdDirs: [] },
      { type: 'part', fileIndex: 0, partName: `${name}.part` }
    ])
    await writeFile(join(downloads, `${name}.part`), 'partial')
  }
  await writeFile(join(downloads, 'kept.txt'), 'a finished file is never touched')
  const nowMs = Date.now()
  const old = new Date(nowMs - 30 * DAY_MS)
  await utimes(join(stateDir, 'old0.jsonl'), old, old)

  const pruned = await pruneStaleJournals({ store: createFileResumeStore({ dir: stateDir, log }), log }, { dir: stateDir, maxAgeMs: 14 * DAY_MS, nowMs })

  assert.equal(pruned, 1)
  assert.deepEqual(await readdir(stateDir), ['new0.jsonl'])
  assert.deepEqual((await readdir(downloads)).sort(), ['kept.txt', 'new.bin.part'])
})

test('no state folder yet: nothing to prune', async () => {
  assert.equal(await pruneStaleJournals({ store: createFileResumeStore({ dir: '/nonexistent/p2pft', log }), log }, { dir: '/nonexistent/p2pft', maxAgeMs: DAY_MS }), 0)
})
