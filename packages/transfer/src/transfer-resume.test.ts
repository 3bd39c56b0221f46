import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { isAppError, type ErrorCode } from '@p2pft/protocol'
import type { ByteStream } from './byte-stream.ts'
import { createMemoryStreamPair } from './memory-stream.ts'
import { createReceiveSessions } from './receive-sessions.ts'
import { createMemoryResumeStore } from './resume-store.ts'
import { isResumable, receiveTransfer, type ReceiveResult, type ReceiveTransferOptions } from './transfer-receiver.ts'
import { sendTransfer, type SendResult, type SendTransferOptions } from './transfer-sender.ts'

const log = pino({ level: 'silent' })
const SENDER_PEER_ID = '12D3KooWSenderSenderSenderSenderSenderSenderSenderSe'
const CHUNK = 64 * 1024

async function tempDir (t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-resume-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Counts chunk bytes the sender writes, and drops the connection once `cutAfterBytes` were read by the receiver. */
function instrument (cutAfterBytes?: number): { wrapSender: (s: ByteStream) => ByteStream, wrapReceiver: (s: ByteStream) => ByteStream, sentBytes: () => number } {
  let sent = 0
  let read = 0
  let cut = false
  return {
    sentBytes: () => sent,
    wrapSender: stream => ({
      closeWrite: () => stream.closeWrite(),
      abort: (err) => { stream.abort(err) },
      [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
      async write (data) { sent += data.byteLength; await stream.write(data) }
    }),
    wrapReceiver: stream => ({
      closeWrite: () => stream.closeWrite(),
      abort: (err) => { stream.abort(err) },
      write: (data) => stream.write(data),
      [Symbol.asyncIterator] () {
        const iterator = stream[Symbol.asyncIterator]()
        return {
          async next () {
            const result = await iterator.next()
            if (result.done !== true) read += result.value.byteLength
            if (cutAfterBytes !== undefined && read > cutAfterBytes && !cut) {
              cut = true
              stream.abort(new Error('network down'))
            }
            return result
          }
        }
      }
    })
  }
}

interface Attempt {
  sent: PromiseSettledResult<SendResult>
  received: PromiseSettledResult<ReceiveResult>
  sentBytes: number
}

/** One try of the same transfer (same seed, same sender, same store): what a retry does. */
async function attempt (
  send: Partial<SendTransferOptions> & { paths: string[] },
  receive: Partial<ReceiveTransferOptions> & { downloadDir: string },
  cutAfterBytes?: number
): Promise<Attempt> {
  const [senderStream, receiverStream] = createMemoryStreamPair()
  const tap = instrument(cutAfterBytes)
  const [sent, received] = await Promise.allSettled([
    sendTransfer({ senderName: 'Alice', log, idSeed: 'alice/bob', chunkSizeBytes: CHUNK, ...send, stream: tap.wrapSender(senderStream) }),
    receiveTransfer({
      log,
      decide: async () => ({ accept: true }),
      freeBytes: async () => Number.MAX_SAFE_INTEGER,
      syncFiles: false,
      senderPeerId: SENDER_PEER_ID,
      ...receive,
      stream: tap.wrapReceiver(receiverStream)
    })
  ])
  return { sent, received, sentBytes: tap.sentBytes() }
}

function assertRejectedWith (result: PromiseSettledResult<unknown>, code: ErrorCode): unknown {
  assert.equal(result.status, 'rejected', `expected a rejection with ${code}`)
  const reason: unknown = result.status === 'rejected' ? result.reason : undefined
  assert.ok(isAppError(reason, code), `expected ${code}, got ${String(reason)}`)
  return reason
}

function valueOf<T> (result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason
  return result.value
}

test('resumes from the last verified chunk after the connection drops, re-sending little', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const data = randomBytes(8 * 1024 * 1024)
  await writeFile(join(source, 'big.bin'), data)
  const resumeStore = createMemoryResumeStore()

  const first = await attempt({ paths: [join(source, 'big.bin')] }, { downloadDir, resumeStore }, 3 * 1024 * 1024)
  assertRejectedWith(first.sent, 'TRANSFER_PEER_GONE')
  const receiveError = assertRejectedWith(first.received, 'TRANSFER_PEER_GONE')
  assert.ok(isResumable(receiveError))
  assert.deepEqual(await readdir(downloadDir), ['big.bin.part'])

  const second = await attempt({ paths: [join(source, 'big.bin')] }, { downloadDir, resumeStore })
  const sent = valueOf(second.sent)
  const received = valueOf(second.received)

  assert.ok((await readFile(join(downloadDir, 'big.bin'))).equals(data))
  assert.deepEqual(await readdir(downloadDir), ['big.bin'])
  assert.equal(sent.transferId, received.transferId)
  assert.ok(sent.resumedBytes >= 2 * 1024 * 1024, `resumed ${sent.resumedBytes}`)
  assert.equal(sent.resumedBytes, received.resumedBytes)
  // Everything before the cut crossed once; at most the in-flight tail crosses again.
  const resent = first.sentBytes + second.sentBytes - data.byteLength
  assert.ok(resent < 1.5 * 1024 * 1024, `re-sent ${resent} bytes`)
  assert.equal(resumeStore.records.size, 0, 'state removed once complete')
})

test('a damaged chunk in the .part is detected on resume and fetched again; the final file is correct', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const data = randomBytes(4 * 1024 * 1024)
  await writeFile(join(source, 'big.bin'), data)
  const resumeStore = createMemoryResumeStore()

  const first = await attempt({ paths: [join(source, 'big.bin')] }, { downloadDir, resumeStore }, 2 * 1024 * 1024)
  assertRejectedWith(first.received, 'TRANSFER_PEER_GONE')
  // Flip a byte in the third chunk while nobody runs.
  const part = await open(join(downloadDir, 'big.bin.part'), 'r+')
  const byte = Buffer.alloc(1)
  await part.read(byte, 0, 1, 2 * CHUNK + 5)
  await part.write(Buffer.from([byte[0]! ^ 0xff]), 0, 1, 2 * CHUNK + 5)
  await part.close()

  const second = await attempt({ paths: [join(source, 'big.bin')] }, { downloadDir, resumeStore })
  const received = valueOf(second.received)

  assert.equal(received.resumedBytes, 2 * CHUNK, 'kept only the chunks before the damaged one')
  assert.ok((await readFile(join(downloadDir, 'big.bin'))).equals(data))
})

test('files already in place are not sent again, and nothing is saved twice', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const folder = join(source, 'album')
  await mkdir(folder)
  const files = { 'a.bin': randomBytes(600_000), 'b.bin': randomBytes(700_000), 'c.bin': randomBytes(3_000_000) }
  for (const [name, data] of Object.entries(files)) await writeFile(join(folder, name), data)
  const resumeStore = createMemoryResumeStore()

  const first = await attempt({ paths: [folder] }, { downloadDir, resumeStore }, 2_000_000)
  assertRejectedWith(first.received, 'TRANSFER_PEER_GONE')

  const second = await attempt({ paths: [folder] }, { downloadDir, resumeStore })
  const received = valueOf(second.received)

  assert.equal(received.files, 3)
  assert.ok(received.resumedBytes >= 1_300_000)
  assert.deepEqual((await readdir(join(downloadDir, 'album'))).sort(), ['a.bin', 'b.bin', 'c.bin'])
  assert.deepEqual(await readdir(downloadDir), ['album'])
  for (const [name, data] of Object.entries(files)) assert.ok((await readFile(join(downloadDir, 'album', name))).equals(data), name)
})

test('a source changed since the receiver got part of it stops with TRANSFER_SOURCE_CHANGED and drops the partial copy', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const path = join(source, 'doc.bin')
  await writeFile(path, randomBytes(2 * 1024 * 1024))
  const mtime = new Date('2020-01-01T00:00:00Z')
  await utimes(path, mtime, mtime)
  const resumeStore = createMemoryResumeStore()

  const first = await attempt({ paths: [path] }, { downloadDir, resumeStore }, 1024 * 1024)
  assertRejectedWith(first.received, 'TRANSFER_PEER_GONE')
  // Same size and mtime (so the same transferId), different bytes at the start.
  const handle = await open(path, 'r+')
  await handle.write(randomBytes(100), 0, 100, 0)
  await handle.close()
  await utimes(path, mtime, mtime)

  const second = await attempt({ paths: [path] }, { downloadDir, resumeStore })
  assertRejectedWith(second.sent, 'TRANSFER_SOURCE_CHANGED')
  const receiveError = assertRejectedWith(second.received, 'TRANSFER_SOURCE_CHANGED')
  assert.equal(isResumable(receiveError), false)
  assert.deepEqual(await readdir(downloadDir), [])
  assert.equal(resumeStore.records.size, 0)
})

test('cancel keeps the partial data only when asked to', async (t) => {
  for (const keepPartialOnCancel of [false, true]) {
    const source = await tempDir(t)
    const downloadDir = await tempDir(t)
    await writeFile(join(source, 'big.bin'), randomBytes(4 * 1024 * 1024))
    const resumeStore = createMemoryResumeStore()
    const controller = new AbortController()
    const [senderStream, receiverStream] = createMemoryStreamPair()
    let read = 0
    const receiverSide: ByteStream = {
      ...receiverStream,
      write: (data) => receiverStream.write(data),
      closeWrite: () => receiverStream.closeWrite(),
      abort: (err) => { receiverStream.abort(err) },
      [Symbol.asyncIterator] () {
        const iterator = receiverStream[Symbol.asyncIterator]()
        return {
          async next () {
            const result = await iterator.next()
            if (result.done !== true && (read += result.value.byteLength) > 1024 * 1024) controller.abort()
            return result
          }
        }
      }
    }
    const [, received] = await Promise.allSettled([
      sendTransfer({ senderName: 'Alice', log, idSeed: 'x', chunkSizeBytes: CHUNK, paths: [join(source, 'big.bin')], stream: senderStream }),
      receiveTransfer({
        log, downloadDir, resumeStore, senderPeerId: SENDER_PEER_ID, keepPartialOnCancel, syncFiles: false,
        signal: controller.signal, stream: receiverSide, decide: async () => ({ accept: true }), freeBytes: async () => Number.MAX_SAFE_INTEGER
      })
    ])
    const error = assertRejectedWith(received, 'TRANSFER_CANCELLED')
    assert.equal(isResumable(error), keepPartialOnCancel)
    assert.deepEqual(await readdir(downloadDir), keepPartialOnCancel ? ['big.bin.part'] : [])
    assert.equal(resumeStore.records.size, keepPartialOnCancel ? 1 : 0)
  }
})

test('an offer resuming a transfer says so to decide, and declining it drops the partial copy', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await writeFile(join(source, 'big.bin'), randomBytes(2 * 1024 * 1024))
  const resumeStore = createMemoryResumeStore()
  await attempt({ paths: [join(source, 'big.bin')] }, { downloadDir, resumeStore }, 1024 * 1024)
  let resumedBytes: number | undefined

  const second = await attempt({ paths: [join(source, 'big.bin')] }, {
    downloadDir,
    resumeStore,
    decide: async (_offer, context) => { resumedBytes = context.resumedBytes; return { accept: false, code: 'TRANSFER_DECLINED', message: 'no' } }
  })

  assertRejectedWith(second.sent, 'TRANSFER_DECLINED')
  assert.ok(resumedBytes !== undefined && resumedBytes > 0)
  assert.deepEqual(await readdir(downloadDir), [])
  assert.equal(resumeStore.records.size, 0)
})

test('the same files from another sender do not resume someone else\'s transfer', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const data = randomBytes(2 * 1024 * 1024)
  await writeFile(join(source, 'big.bin'), data)
  const resumeStore = createMemoryResumeStore()
  await attempt({ paths: [join(source, 'big.bin')] }, { downloadDir, resumeStore }, 1024 * 1024)

  const other = await attempt({ paths: [join(source, 'big.bin')] }, { downloadDir, resumeStore, senderPeerId: '12D3KooWOtherOtherOtherOtherOtherOtherOtherOtherOther' })

  assert.equal(valueOf(other.received).resumedBytes, 0)
  assert.deepEqual((await readdir(downloadDir)).sort(), ['big (1).bin', 'big.bin.part'])
})

test('a sender reconnecting while the receiver still holds the old stream takes over and resumes', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const data = randomBytes(4 * 1024 * 1024)
  await writeFile(join(source, 'big.bin'), data)
  const resumeStore = createMemoryResumeStore()
  const sessions = createReceiveSessions()
  const controller = new AbortController()
  // First try: the sender gives up (its side is cancelled) but the receiver never hears of it.
  const [senderStream, receiverStream] = createMemoryStreamPair()
  let read = 0
  const silentCut: ByteStream = {
    write: async (data) => { if (!controller.signal.aborted) await receiverStream.write(data) },
    closeWrite: () => receiverStream.closeWrite(),
    abort: (err) => { receiverStream.abort(err) },
    [Symbol.asyncIterator] () {
      const iterator = receiverStream[Symbol.asyncIterator]()
      return {
        async next () {
          if (controller.signal.aborted) return await new Promise(() => {})
          const result = await iterator.next()
          if (result.done !== true && (read += result.value.byteLength) > 1024 * 1024) controller.abort()
          return result
        }
      }
    }
  }
  void sendTransfer({ senderName: 'Alice', log, idSeed: 'alice/bob', chunkSizeBytes: CHUNK, paths: [join(source, 'big.bin')], stream: senderStream }).catch(() => {})
  const stale = receiveTransfer({
    log, downloadDir, resumeStore, sessions, senderPeerId: SENDER_PEER_ID, syncFiles: false, stream: silentCut,
    decide: async () => ({ accept: true }), freeBytes: async () => Number.MAX_SAFE_INTEGER
  })
  stale.catch(() => {})
  while (!controller.signal.aborted) await new Promise(resolve => setTimeout(resolve, 10))

  const second = await attempt({ paths: [join(source, 'big.bin')] }, { downloadDir, resumeStore, sessions })

  await assert.rejects(stale, (err: unknown) => isAppError(err, 'TRANSFER_PEER_GONE'))
  assert.ok(valueOf(second.received).resumedBytes > 0)
  assert.ok((await readFile(join(downloadDir, 'big.bin'))).equals(data))
})

test('a resume after files finished out of order keeps the ones in place and fetches a later partial file whole', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const folder = join(source, 'album')
  await mkdir(folder)
  const files = { 'a.bin': randomBytes(600_000), 'b.bin': randomBytes(700_000), 'c.bin': randomBytes(3_000_000) }
  for (const [name, data] of Object.entries(files)) await writeFile(join(folder, name), data)
  const resumeStore = createMemoryResumeStore()
  const first = await attempt({ paths: [folder] }, { downloadDir, resumeStore }, 2_000_000)
  assertRejectedWith(first.received, 'TRANSFER_PEER_GONE')

  // As if a.bin was still being synced when the process died, while b.bin was already in place.
  const [key, records] = [...resumeStore.records][0] ?? assert.fail('no journal kept')
  const partOf = (name: string): number => {
    const found = records.find((r): r is { fileIndex: number } => (r as { partName?: string }).partName === `${name}.part`)
    return found?.fileIndex ?? assert.fail(`no part record for ${name}`)
  }
  const a = partOf('a.bin')
  resumeStore.records.set(key, records.filter(r => !((r as { fileIndex?: number }).fileIndex === a && ['placing', 'placed'].includes((r as { type: string }).type))))
  await rename(join(downloadDir, 'album', 'a.bin'), join(downloadDir, 'album', 'a.bin.part'))
  assert.ok((await readdir(join(downloadDir, 'album'))).includes('c.bin.part'))

  const second = await attempt({ paths: [folder] }, { downloadDir, resumeStore })
  valueOf(second.received)
  assert.deepEqual((await readdir(join(downloadDir, 'album'))).sort(), ['a.bin', 'b.bin', 'c.bin'])
  for (const [name, data] of Object.entries(files)) assert.ok((await readFile(join(downloadDir, 'album', name))).equals(data), name)
  assert.ok(second.sentBytes >= files['c.bin'].byteLength, 'the later partial file comes again whole')
  assert.ok(second.sentBytes < files['c.bin'].byteLength + files['b.bin'].byteLength, 'the file in place is not sent again')
})
