import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { createMemoryStreamPair } from './memory-stream.ts'
import { createMemoryResumeStore, type ResumeStore } from './resume-store.ts'
import { receiveTransfer, type ReceiveResult } from './transfer-receiver.ts'
import { sendTransfer, type SendResult } from './transfer-sender.ts'

/**
 * A crash at the two delicate moments of saving a file, recreated exactly on disk from a
 * completed transfer: the journal as it stood at that moment, the file where it was.
 */

const log = pino({ level: 'silent' })
const SENDER_PEER_ID = '12D3KooWSenderSenderSenderSenderSenderSenderSenderSe'
const CHUNK = 64 * 1024
const FILE_BYTES = 2 * 1024 * 1024

async function tempDir (t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-crash-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Keeps a copy of the journal as it was right after its `placing` record was stored (before the rename). */
function snapshotAtPlacing (store: ReturnType<typeof createMemoryResumeStore>): { store: ResumeStore, snapshot: () => { key: string, records: unknown[] } | undefined } {
  let taken: { key: string, records: unknown[] } | undefined
  return {
    snapshot: () => taken,
    store: {
      load: store.load,
      remove: store.remove,
      async append (key, records) {
        await store.append(key, records)
        const placing = records.some(record => (record as { type?: string }).type === 'placing')
        if (placing && taken === undefined) taken = { key, records: structuredClone(store.records.get(key) ?? []) }
      }
    }
  }
}

/** One full try of the transfer; resolves with both sides' results and the bytes the sender wrote. */
async function transfer (path: string, downloadDir: string, resumeStore: ResumeStore): Promise<{ sent: SendResult, received: ReceiveResult, sentBytes: number }> {
  const [senderStream, receiverStream] = createMemoryStreamPair()
  let sentBytes = 0
  const counted = { ...senderStream, [Symbol.asyncIterator]: () => senderStream[Symbol.asyncIterator](), write: async (data: Uint8Array) => { sentBytes += data.byteLength; await senderStream.write(data) } }
  const [sent, received] = await Promise.all([
    sendTransfer({ senderName: 'Alice', log, idSeed: 'alice/bob', chunkSizeBytes: CHUNK, paths: [path], stream: counted }),
    receiveTransfer({ log, decide: async () => ({ accept: true }), freeBytes: async () => Number.MAX_SAFE_INTEGER, syncFiles: false, senderPeerId: SENDER_PEER_ID, resumeStore, downloadDir, stream: receiverStream })
  ])
  return { sent, received, sentBytes }
}

/** Runs the transfer once to the end and returns the journal as it stood before the rename. */
async function completeAndSnapshot (path: string, downloadDir: string, store: ReturnType<typeof createMemoryResumeStore>): Promise<{ key: string, records: unknown[] }> {
  const tap = snapshotAtPlacing(store)
  await transfer(path, downloadDir, tap.store)
  const taken = tap.snapshot()
  assert.ok(taken !== undefined, 'the journal recorded the whole-file hash before the rename')
  assert.equal(store.records.size, 0, 'a completed transfer leaves no journal')
  return taken
}

test('crash after every chunk was verified but before the rename: the restart places the file once, sending nothing again', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const data = randomBytes(FILE_BYTES)
  await writeFile(join(source, 'big.bin'), data)
  const store = createMemoryResumeStore()
  const taken = await completeAndSnapshot(join(source, 'big.bin'), downloadDir, store)

  // The disk at the crash: the verified `.part`, not yet renamed; the journal up to `placing`.
  await rename(join(downloadDir, 'big.bin'), join(downloadDir, 'big.bin.part'))
  store.records.set(taken.key, taken.records)

  const again = await transfer(join(source, 'big.bin'), downloadDir, store)
  assert.equal(again.received.files, 1)
  assert.equal(again.received.resumedBytes, FILE_BYTES)
  assert.ok(again.sentBytes < CHUNK, `re-sent ${again.sentBytes} bytes`)
  assert.deepEqual(await readdir(downloadDir), ['big.bin'])
  assert.ok((await readFile(join(downloadDir, 'big.bin'))).equals(data))
  assert.equal(store.records.size, 0, 'the journal is removed')
})

test('crash after the rename but before the journal said so: the restart finds the file by its hash, no copy and no leftovers', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const data = randomBytes(FILE_BYTES)
  await writeFile(join(source, 'big.bin'), data)
  const store = createMemoryResumeStore()
  const taken = await completeAndSnapshot(join(source, 'big.bin'), downloadDir, store)

  // The disk at the crash: the file in place, the journal without `placed` (and not removed).
  store.records.set(taken.key, taken.records)

  const again = await transfer(join(source, 'big.bin'), downloadDir, store)
  assert.equal(again.received.files, 1)
  assert.equal(again.received.resumedBytes, FILE_BYTES)
  assert.ok(again.sentBytes < CHUNK, `re-sent ${again.sentBytes} bytes`)
  assert.deepEqual(await readdir(downloadDir), ['big.bin'], 'no "big (1).bin", no .part')
  assert.ok((await readFile(join(downloadDir, 'big.bin'))).equals(data))
  assert.equal(store.records.size, 0, 'the journal is removed')
})
