import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { Uint8ArrayList } from 'uint8arraylist'
import { isAppError, type ErrorCode } from '@p2pft/protocol'
import type { ByteStream } from './byte-stream.ts'
import { readChunks } from './chunk-reader.ts'
import { createFrameChannel } from './frame-channel.ts'
import { createMemoryStreamPair } from './memory-stream.ts'
import { receiveTransfer, type ReceiveResult, type ReceiveTransferOptions } from './transfer-receiver.ts'
import { sendTransfer, type SendResult, type SendTransferOptions } from './transfer-sender.ts'
import type { TransferEvent } from './transfer-event.ts'

const log = pino({ level: 'silent' })
const PLENTY_OF_SPACE = async (): Promise<number> => Number.MAX_SAFE_INTEGER

async function tempDir (t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-transfer-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Every path under `dir`, relative, `/`-separated, sorted; folders end with `/`. */
async function listTree (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .map(entry => {
      const relative = join(entry.parentPath, entry.name).slice(dir.length + 1).split('\\').join('/')
      return entry.isDirectory() ? `${relative}/` : relative
    })
    .sort()
}

interface Outcome {
  sent: PromiseSettledResult<SendResult>
  received: PromiseSettledResult<ReceiveResult>
  senderEvents: TransferEvent[]
  receiverEvents: TransferEvent[]
}

type WrapStream = (stream: ByteStream) => ByteStream

/** Runs a sender and a receiver against each other over an in-memory stream pair. */
async function runTransfer (
  send: Partial<SendTransferOptions> & { paths: string[], wrapStream?: WrapStream },
  receive: Partial<ReceiveTransferOptions> & { downloadDir: string, wrapStream?: WrapStream }
): Promise<Outcome> {
  const [senderStream, receiverStream] = createMemoryStreamPair()
  const senderEvents: TransferEvent[] = []
  const receiverEvents: TransferEvent[] = []
  const [sent, received] = await Promise.allSettled([
    sendTransfer({
      senderName: 'Alice',
      log,
      onEvent: e => senderEvents.push(e),
      ...send,
      stream: (send.wrapStream ?? (stream => stream))(senderStream)
    }),
    receiveTransfer({
      log,
      decide: async () => ({ accept: true }),
      onEvent: e => receiverEvents.push(e),
      freeBytes: PLENTY_OF_SPACE,
      ...receive,
      stream: (receive.wrapStream ?? (stream => stream))(receiverStream)
    })
  ])
  return { sent, received, senderEvents, receiverEvents }
}

/** Calls back with the running total of bytes written and read through `stream`. */
function tapStream (stream: ByteStream, taps: { onWrite?: (total: number) => void, onRead?: (total: number) => void }): ByteStream {
  let written = 0
  let read = 0
  return {
    closeWrite: () => stream.closeWrite(),
    abort: (err) => { stream.abort(err) },
    async write (data) {
      await stream.write(data)
      written += data.byteLength
      taps.onWrite?.(written)
    },
    [Symbol.asyncIterator] () {
      const iterator = stream[Symbol.asyncIterator]()
      return {
        async next () {
          const result = await iterator.next()
          if (result.done !== true) {
            read += result.value.byteLength
            taps.onRead?.(read)
          }
          return result
        }
      }
    }
  }
}

function assertRejectedWith (result: PromiseSettledResult<unknown>, code: ErrorCode): void {
  assert.equal(result.status, 'rejected', `expected a rejection with ${code}`)
  const reason: unknown = result.status === 'rejected' ? result.reason : undefined
  assert.ok(isAppError(reason, code), `expected ${code}, got ${String(reason)} (${isAppError(reason) ? reason.code : 'not an AppError'})`)
}

function valueOf<T> (result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason
  return result.value
}

test('a 20 MiB random file arrives byte-identical, with progress, file-complete and done events', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const data = randomBytes(20 * 1024 * 1024)
  await writeFile(join(source, 'big.bin'), data)

  const outcome = await runTransfer({ paths: [join(source, 'big.bin')] }, { downloadDir })
  const sent = valueOf(outcome.sent)
  const received = valueOf(outcome.received)

  assert.ok((await readFile(join(downloadDir, 'big.bin'))).equals(data))
  assert.deepEqual(await listTree(downloadDir), ['big.bin'])
  assert.equal(sent.bytes, data.byteLength)
  assert.equal(received.files, 1)
  assert.deepEqual(received.savedPaths, [join(downloadDir, 'big.bin')])

  for (const [events, direction] of [[outcome.senderEvents, 'send'], [outcome.receiverEvents, 'receive']] as const) {
    const progress = events.filter(e => e.event === 'progress')
    assert.ok(progress.length >= 1)
    assert.deepEqual(progress.at(-1), { ...progress.at(-1), direction, bytes: data.byteLength, total: data.byteLength, etaSeconds: 0 })
    const completed = events.filter(e => e.event === 'file-complete')
    assert.equal(completed.length, 1)
    assert.equal(completed[0]?.event === 'file-complete' && completed[0].path, 'big.bin')
    const done = events.at(-1)
    assert.equal(done?.event, 'done')
    assert.equal(done?.event === 'done' && done.files, 1)
  }
  const receiverDone = outcome.receiverEvents.at(-1)
  assert.equal(receiverDone?.event === 'done' && receiverDone.savedTo, downloadDir)
})

test('a nested folder with spaces, unicode names, an empty file and an empty folder keeps its structure and mtimes', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const root = join(source, 'My Photos')
  await mkdir(join(root, '2024 été', 'Zürich 🏔'), { recursive: true })
  await mkdir(join(root, 'empty folder'))
  await writeFile(join(root, '2024 été', 'Zürich 🏔', 'ä b.txt'), 'grüezi')
  await writeFile(join(root, '2024 été', 'big.bin'), randomBytes(300_000))
  await writeFile(join(root, 'empty.txt'), '')
  const oldTime = new Date('2001-02-03T04:05:06.789Z')
  await utimes(join(root, '2024 été', 'Zürich 🏔', 'ä b.txt'), oldTime, oldTime)
  await utimes(join(root, '2024 été', 'big.bin'), oldTime, oldTime)

  const outcome = await runTransfer({ paths: [root], chunkSizeBytes: 64 * 1024 }, { downloadDir })
  valueOf(outcome.sent)
  const received = valueOf(outcome.received)

  assert.deepEqual(await listTree(downloadDir), await listTree(source))
  for (const file of ['2024 été/Zürich 🏔/ä b.txt', '2024 été/big.bin', 'empty.txt']) {
    assert.ok((await readFile(join(downloadDir, 'My Photos', file))).equals(await readFile(join(root, file))), file)
  }
  const restored = await stat(join(downloadDir, 'My Photos', '2024 été', 'big.bin'))
  assert.ok(Math.abs(restored.mtimeMs - oldTime.getTime()) < 1, `mtime ${restored.mtime.toISOString()}`)
  assert.equal(received.files, 3)
  assert.equal(outcome.receiverEvents.filter(e => e.event === 'file-complete').length, 3)
  assert.equal(outcome.senderEvents.filter(e => e.event === 'file-complete').length, 3)
  assert.ok(received.savedPaths.includes(join(downloadDir, 'My Photos', 'empty folder')))
})

test('a declined offer rejects the sender with TRANSFER_DECLINED and the receiver\'s message, and writes nothing', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await writeFile(join(source, 'a.txt'), 'hello')

  const outcome = await runTransfer({ paths: [join(source, 'a.txt')] }, {
    downloadDir,
    decide: async (offer) => ({ accept: false, code: 'TRANSFER_DECLINED', message: `Bob said no to ${offer.fileCount} file` })
  })

  assertRejectedWith(outcome.sent, 'TRANSFER_DECLINED')
  assertRejectedWith(outcome.received, 'TRANSFER_DECLINED')
  assert.equal(outcome.sent.status === 'rejected' && (outcome.sent.reason as Error).message, 'Bob said no to 1 file')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('an existing file or folder is never overwritten or merged: the new one gets a numbered name', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await writeFile(join(source, 'report.txt'), 'new report')
  await mkdir(join(source, 'photos'))
  await writeFile(join(source, 'photos', 'a.jpg'), 'new photo')
  await writeFile(join(downloadDir, 'report.txt'), 'old report')
  await mkdir(join(downloadDir, 'photos'))
  await writeFile(join(downloadDir, 'photos', 'old.jpg'), 'old photo')

  const outcome = await runTransfer({ paths: [join(source, 'report.txt'), join(source, 'photos')] }, { downloadDir })
  valueOf(outcome.sent)
  valueOf(outcome.received)

  assert.equal(await readFile(join(downloadDir, 'report.txt'), 'utf8'), 'old report')
  assert.equal(await readFile(join(downloadDir, 'report (1).txt'), 'utf8'), 'new report')
  assert.deepEqual(await readdir(join(downloadDir, 'photos')), ['old.jpg'])
  assert.equal(await readFile(join(downloadDir, 'photos (1)', 'a.jpg'), 'utf8'), 'new photo')
  const paths = outcome.receiverEvents.flatMap(e => e.event === 'file-complete' ? [e.path] : [])
  assert.deepEqual(paths, ['report (1).txt', 'photos (1)/a.jpg'])
})

test('names Windows refuses are saved sanitised', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const names = ['CON.txt', 'what?.txt', 'trailing.', 'nul']
  for (const name of names) await writeFile(join(source, name), name)

  const outcome = await runTransfer({ paths: names.map(name => join(source, name)) }, { downloadDir })
  valueOf(outcome.sent)
  valueOf(outcome.received)

  assert.deepEqual(await listTree(downloadDir), ['CON_.txt', 'nul_', 'trailing._', 'what_.txt'])
  assert.equal(await readFile(join(downloadDir, 'CON_.txt'), 'utf8'), 'CON.txt')
})

/** Flips one byte of every chunk frame's data after the sender hashed it. */
function corruptChunks (stream: ByteStream): ByteStream {
  return {
    closeWrite: () => stream.closeWrite(),
    abort: (err) => { stream.abort(err) },
    [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
    async write (data) {
      if (data.byteLength < 1000) return await stream.write(data)
      const bytes = new Uint8ArrayList(data).subarray()
      bytes[bytes.byteLength - 1] = (bytes[bytes.byteLength - 1] ?? 0) ^ 0xff
      await stream.write(bytes)
    }
  }
}

test('a corrupted chunk makes the receiver abort with TRANSFER_HASH_MISMATCH, keeping no file and no .part', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await writeFile(join(source, 'data.bin'), randomBytes(200_000))

  const outcome = await runTransfer({ paths: [join(source, 'data.bin')], wrapStream: corruptChunks }, { downloadDir })

  assertRejectedWith(outcome.received, 'TRANSFER_HASH_MISMATCH')
  assertRejectedWith(outcome.sent, 'TRANSFER_HASH_MISMATCH')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('corrupted chunks of a file of several chunks fail its whole-file hash: TRANSFER_HASH_MISMATCH, no file and no .part', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await writeFile(join(source, 'data.bin'), randomBytes(2.5 * 1024 * 1024))

  const outcome = await runTransfer({ paths: [join(source, 'data.bin')], wrapStream: corruptChunks }, { downloadDir })

  assertRejectedWith(outcome.received, 'TRANSFER_HASH_MISMATCH')
  assertRejectedWith(outcome.sent, 'TRANSFER_HASH_MISMATCH')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('a peer vanishing mid-transfer rejects both sides with TRANSFER_PEER_GONE and removes the .part file', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await mkdir(join(source, 'folder'))
  await writeFile(join(source, 'folder', 'first.bin'), randomBytes(100_000))
  await writeFile(join(source, 'folder', 'second.bin'), randomBytes(8 * 1024 * 1024))
  let vanished = false

  const outcome = await runTransfer({ paths: [join(source, 'folder')], chunkSizeBytes: 64 * 1024 }, {
    downloadDir,
    // The network drops the connection once 2 MiB arrived: the first file is saved, the second half-way.
    wrapStream: stream => tapStream(stream, {
      onRead: (total) => {
        if (total > 2 * 1024 * 1024 && !vanished) {
          vanished = true
          stream.abort(new Error('network down'))
        }
      }
    })
  })

  assert.ok(vanished)
  assertRejectedWith(outcome.sent, 'TRANSFER_PEER_GONE')
  assertRejectedWith(outcome.received, 'TRANSFER_PEER_GONE')
  // The completed file stays; the interrupted one leaves no .part behind.
  assert.deepEqual(await listTree(downloadDir), ['folder/', 'folder/first.bin'])
})

test('cancelling the sender rejects both sides with TRANSFER_CANCELLED and cleans up', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await mkdir(join(source, 'folder', 'sub'), { recursive: true })
  await writeFile(join(source, 'folder', 'sub', 'big.bin'), randomBytes(8 * 1024 * 1024))
  const controller = new AbortController()

  const outcome = await runTransfer({
    paths: [join(source, 'folder')],
    chunkSizeBytes: 64 * 1024,
    signal: controller.signal,
    wrapStream: stream => tapStream(stream, { onWrite: (total) => { if (total > 1024 * 1024) controller.abort() } })
  }, { downloadDir })

  assert.ok(controller.signal.aborted)
  assertRejectedWith(outcome.sent, 'TRANSFER_CANCELLED')
  assertRejectedWith(outcome.received, 'TRANSFER_CANCELLED')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('cancelling the receiver rejects both sides with TRANSFER_CANCELLED', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await writeFile(join(source, 'big.bin'), randomBytes(8 * 1024 * 1024))
  const controller = new AbortController()

  const outcome = await runTransfer({ paths: [join(source, 'big.bin')], chunkSizeBytes: 64 * 1024 }, {
    downloadDir,
    signal: controller.signal,
    wrapStream: stream => tapStream(stream, { onRead: (total) => { if (total > 1024 * 1024) controller.abort() } })
  })

  assert.ok(controller.signal.aborted)
  assertRejectedWith(outcome.received, 'TRANSFER_CANCELLED')
  assertRejectedWith(outcome.sent, 'TRANSFER_CANCELLED')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('not enough free space declines with TRANSFER_NO_SPACE before asking anyone or writing anything', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  await writeFile(join(source, 'a.bin'), randomBytes(50_000))
  let asked = false

  const outcome = await runTransfer({ paths: [join(source, 'a.bin')] }, {
    downloadDir,
    freeBytes: async () => 10_000,
    decide: async () => { asked = true; return { accept: true } }
  })

  assertRejectedWith(outcome.sent, 'TRANSFER_NO_SPACE')
  assertRejectedWith(outcome.received, 'TRANSFER_NO_SPACE')
  assert.match(outcome.sent.status === 'rejected' ? (outcome.sent.reason as Error).message : '', /48\.8 KiB.*9\.8 KiB/)
  assert.equal(asked, false)
  assert.deepEqual(await readdir(downloadDir), [])
})

test('a source file modified after the offer aborts both sides with TRANSFER_SOURCE_CHANGED', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const file = join(source, 'log.txt')
  await writeFile(file, 'first line\n')

  const outcome = await runTransfer({ paths: [file] }, {
    downloadDir,
    // The file grows while the receiver is still deciding.
    decide: async () => { await appendFile(file, 'second line\n'); return { accept: true } }
  })

  assertRejectedWith(outcome.sent, 'TRANSFER_SOURCE_CHANGED')
  assertRejectedWith(outcome.received, 'TRANSFER_SOURCE_CHANGED')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('2,000 small files transfer', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const folder = join(source, 'many')
  await mkdir(folder)
  await Promise.all(Array.from({ length: 2000 }, async (_, i) => { await writeFile(join(folder, `file-${i}.txt`), `content of file ${i}\n`) }))

  const outcome = await runTransfer({ paths: [folder] }, { downloadDir, syncFiles: false })
  valueOf(outcome.sent)
  const received = valueOf(outcome.received)

  assert.equal(received.files, 2000)
  const saved = await readdir(join(downloadDir, 'many'))
  assert.equal(saved.length, 2000)
  assert.equal(await readFile(join(downloadDir, 'many', 'file-1999.txt'), 'utf8'), 'content of file 1999\n')
})

test('the sender streams every file and done before any verdict arrives (no round trip per file)', async (t) => {
  const source = await tempDir(t)
  const folder = join(source, 'many')
  await mkdir(folder)
  await Promise.all(Array.from({ length: 200 }, async (_, i) => { await writeFile(join(folder, `f${i}.txt`), `${i}`) }))
  const [senderStream, receiverStream] = createMemoryStreamPair()
  const sending = sendTransfer({ stream: senderStream, paths: [folder], senderName: 'Alice', log })
  const receiver = createFrameChannel({ stream: receiverStream, log })

  const offer = await receiver.read()
  assert.equal(offer.kind, 'offer')
  await receiver.send({ kind: 'offer-response', message: { accepted: true } })
  const fileEnds: Array<{ fileIndex: number, blake3: string }> = []
  for (let frame = await receiver.read(); frame.kind !== 'done'; frame = await receiver.read()) {
    if (frame.kind === 'file-end') fileEnds.push(frame.message)
  }
  // Only now, with every file sent, does the receiver answer.
  assert.equal(fileEnds.length, 200)
  for (const { fileIndex, blake3 } of fileEnds) await receiver.send({ kind: 'file-result', message: { fileIndex, ok: true, blake3 } })
  await receiver.send({ kind: 'complete', message: { ok: true, verifiedFiles: 200 } })
  await receiver.finish()

  assert.equal((await sending).files, 200)
})

test('a missing source path rejects with TRANSFER_SOURCE_NOT_FOUND and tells the receiver', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)

  const outcome = await runTransfer({ paths: [join(source, 'nope.txt')] }, { downloadDir })

  assertRejectedWith(outcome.sent, 'TRANSFER_SOURCE_NOT_FOUND')
  assertRejectedWith(outcome.received, 'TRANSFER_SOURCE_NOT_FOUND')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('the sender keeps at most the receiver\'s flow window of chunk bytes unacknowledged', async (t) => {
  const source = await tempDir(t)
  await writeFile(join(source, 'big.bin'), randomBytes(2 * 1024 * 1024))
  const [senderStream, receiverStream] = createMemoryStreamPair({ bufferBytes: 8 * 1024 * 1024 })
  const sending = sendTransfer({ stream: senderStream, paths: [join(source, 'big.bin')], senderName: 'Alice', log, chunkSizeBytes: 64 * 1024 })
  sending.catch(() => {})
  const receiver = createFrameChannel({ stream: receiverStream, log })

  assert.equal((await receiver.read()).kind, 'offer')
  await receiver.send({ kind: 'offer-response', message: { accepted: true, flowWindowBytes: 256 * 1024 } })
  let received = 0
  let pending: ReturnType<typeof receiver.read> | undefined
  const readChunks = async (untilBytes: number): Promise<void> => {
    while (received < untilBytes) {
      const frame = await (pending ?? receiver.read())
      pending = undefined
      if (frame.kind === 'chunk') received += frame.data.byteLength
    }
  }
  await readChunks(256 * 1024)
  // Nothing acknowledged: the sender waits with the window full.
  pending = receiver.read()
  const more = await Promise.race([pending.then(frame => frame.kind), new Promise(resolve => setTimeout(resolve, 500, 'nothing'))])
  assert.equal(more, 'nothing')
  await receiver.send({ kind: 'chunk-ack', message: { bytes: 128 * 1024 } })
  await readChunks(384 * 1024)
  await receiver.fail(new Error('test done'))
  await assert.rejects(sending)
})

test('over a stream that copies its writes, each chunk read is freed once sent and the file still arrives whole, every byte counted', async (t) => {
  const source = await tempDir(t)
  const downloadDir = await tempDir(t)
  const data = randomBytes(3 * 1024 * 1024 + 5)
  await writeFile(join(source, 'big.bin'), data)
  const chunksRead: Uint8Array[] = []
  const copying: WrapStream = stream => ({
    ...stream,
    copiesWrites: true,
    write: async (bytes) => { await stream.write(bytes.subarray().slice()) }
  })

  const outcome = await runTransfer({
    paths: [join(source, 'big.bin')],
    wrapStream: copying,
    async * readChunks (path, entry, chunkSizeBytes) {
      for await (const chunk of readChunks(path, entry, chunkSizeBytes)) {
        chunksRead.push(chunk)
        yield chunk
      }
    }
  }, { downloadDir })

  assert.equal(valueOf(outcome.sent).bytes, data.byteLength)
  assert.ok((await readFile(join(downloadDir, 'big.bin'))).equals(data))
  assert.equal(chunksRead.length, 4)
  // The 5-byte tail sits in Node's shared buffer pool, which is never freed.
  assert.deepEqual(chunksRead.map(chunk => chunk.byteLength), [0, 0, 0, 5])
  const progress = outcome.senderEvents.filter(e => e.event === 'progress').at(-1)
  assert.equal(progress?.event === 'progress' && progress.bytes, data.byteLength)
})
