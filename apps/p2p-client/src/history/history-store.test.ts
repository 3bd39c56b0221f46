import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { pino } from 'pino'
import { createHistoryStore, toHistoryEntryView, type HistoryRecord } from './history-store.ts'
import { runMigrations } from './run-migrations.ts'

const log = pino({ level: 'silent' })

function record (id: string, startedAtMs: number, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    id, direction: 'send', peerId: '12D3KooWPeer', peerName: 'Bob', names: ['a.bin', 'photos'], fileCount: 3,
    totalBytes: 2_000_000, startedAtMs, durationMs: 1000, result: 'completed', ...extra
  }
}

test('keeps finished transfers across reopening, newest first, and clears them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-history-'))
  try {
    const path = join(dir, 'history.sqlite')
    const store = createHistoryStore({ path, log })
    store.add(record('one', 1000))
    store.add(record('two', 2000, { direction: 'receive', result: 'failed', errorCode: 'TRANSFER_PEER_GONE', errorMessage: 'gone', savedTo: '/tmp/x' }))
    store.close()

    const reopened = createHistoryStore({ path, log })
    assert.deepEqual(reopened.list().map(r => r.id), ['two', 'one'])
    assert.deepEqual(reopened.get('two'), record('two', 2000, { direction: 'receive', result: 'failed', errorCode: 'TRANSFER_PEER_GONE', errorMessage: 'gone', savedTo: '/tmp/x' }))
    reopened.clear()
    assert.deepEqual(reopened.list(), [])
    reopened.close()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('the view gives the average speed of completed transfers only', () => {
  assert.equal(toHistoryEntryView(record('a', 0)).bytesPerSecond, 2_000_000)
  assert.equal(toHistoryEntryView(record('b', 0, { result: 'declined' })).bytesPerSecond, 0)
  assert.deepEqual(toHistoryEntryView(record('c', 0, { result: 'failed', errorCode: 'X', errorMessage: 'why' })).error, { code: 'X', message: 'why' })
})

test('migrations run once and record the schema version', () => {
  const db = new DatabaseSync(':memory:')
  assert.equal(runMigrations(db), 1)
  assert.equal(runMigrations(db), 1)
  db.close()
})
