import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { createResumeJournal, foldJournal, type PlanRecord } from './resume-journal.ts'
import { createMemoryResumeStore } from './resume-store.ts'

const log = pino({ level: 'silent' })
const plan: PlanRecord = {
  type: 'plan', version: 1, senderPeerId: 'peer', offerHash: 'hash', root: '/downloads',
  targets: [{ relativePath: 'a', relativeDir: '', name: 'a' }, { relativePath: 'b', relativeDir: '', name: 'b' }],
  createdDirs: []
}

test('folds the journal into files in place, .part names and verified chunk hashes', async () => {
  const store = createMemoryResumeStore()
  const journal = createResumeJournal({ store, key: 'k', log })
  journal.add(plan)
  journal.add({ type: 'part', fileIndex: 0, partName: 'a.part' })
  journal.addChunk(0, new Uint8Array(32).fill(1))
  journal.checkpoint()
  journal.addChunk(0, new Uint8Array(32).fill(2))
  journal.add({ type: 'placing', fileIndex: 0, blake3: 'f'.repeat(64) })
  journal.add({ type: 'placed', fileIndex: 0, path: 'a', blake3: 'f'.repeat(64) })
  journal.add({ type: 'part', fileIndex: 1, partName: 'b.part' })
  journal.addChunk(1, new Uint8Array(32).fill(3))
  await journal.flush()

  const state = foldJournal(await store.load('k'))
  assert.deepEqual(state?.files.get(0)?.placed, { path: 'a', blake3: 'f'.repeat(64) })
  assert.equal(state?.files.get(0)?.chunkHashes.length, 2)
  assert.equal(state?.files.get(1)?.partName, 'b.part')
  assert.deepEqual(state?.files.get(1)?.chunkHashes.map(hash => hash[0]), [3])
})

test('a torn or foreign record ends the journal there; no plan means no state', () => {
  const state = foldJournal([plan, { type: 'part', fileIndex: 1, partName: 'b.part' }, { type: 'chunks', fileIndex: 1, hashes: 'abc' }, { type: 'part', fileIndex: 0, partName: 'a.part' }])
  assert.equal(state?.files.get(1)?.chunkHashes.length, 0)
  assert.equal(state?.files.get(0), undefined)
  assert.equal(foldJournal([{ type: 'part', fileIndex: 0, partName: 'a.part' }]), undefined)
  assert.equal(foldJournal([{ ...plan, version: 2 }]), undefined)
  assert.equal(foldJournal([plan, { type: 'part', fileIndex: 7, partName: 'x.part' }])?.files.size, 0)
})

test('a flush resolves once everything queued before it is stored, also records queued while a write runs; many flushes share the writes', async () => {
  const store = createMemoryResumeStore()
  const appends: Array<{ records: unknown[], done: () => void }> = []
  const slowStore = {
    ...store,
    async append (key: string, records: unknown[]) {
      await new Promise<void>(resolve => appends.push({ records, done: resolve }))
      await store.append(key, records)
    }
  }
  const journal = createResumeJournal({ store: slowStore, key: 'k', log })
  journal.add(plan)
  journal.checkpoint()
  assert.equal(appends.length, 1, 'the checkpoint started a write')

  journal.add({ type: 'placing', fileIndex: 0, blake3: 'f'.repeat(64) })
  const flushes = [journal.flush(), journal.flush(), journal.flush()]
  let flushed = 0
  for (const flush of flushes) void flush.then(() => { flushed++ })
  appends[0]?.done()
  await new Promise(resolve => setImmediate(resolve))
  assert.equal(flushed, 0, 'the record queued during the first write is not stored yet')
  assert.equal(appends.length, 2, 'the three flushes wait on one more write')
  assert.deepEqual(appends[1]?.records, [{ type: 'placing', fileIndex: 0, blake3: 'f'.repeat(64) }])

  appends[1]?.done()
  await Promise.all(flushes)
  assert.equal((await store.load('k')).length, 2)
  await journal.flush()
  assert.equal(appends.length, 2, 'a flush with nothing queued writes nothing')
})
