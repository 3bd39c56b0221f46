import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { createFileResumeStore } from './file-resume-store.ts'

test('appends records, reads them back up to a torn line, and removes them', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-state-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const store = createFileResumeStore({ dir: join(dir, 'transfers'), log: pino({ level: 'silent' }) })

  assert.deepEqual(await store.load('abc123'), [])
  await store.append('abc123', [{ type: 'plan' }, { type: 'part', fileIndex: 0 }])
  await store.append('abc123', [{ type: 'chunks', fileIndex: 0 }])
  // What a crash in the middle of a write leaves behind.
  await appendFile(join(dir, 'transfers', 'abc123.jsonl'), '{"type":"chu')

  // A restarted process (a new store) sees what was written.
  const reopened = createFileResumeStore({ dir: join(dir, 'transfers'), log: pino({ level: 'silent' }) })
  assert.deepEqual(await reopened.load('abc123'), [{ type: 'plan' }, { type: 'part', fileIndex: 0 }, { type: 'chunks', fileIndex: 0 }])
  await store.remove('abc123')
  assert.deepEqual(await readdir(join(dir, 'transfers')), [])
  await assert.rejects(store.load('../x'))
})
