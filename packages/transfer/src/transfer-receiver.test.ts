import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { blake3 } from '@napi-rs/blake-hash'
import { isAppError, MAX_FILES, type ErrorCode, type ManifestEntry, type OfferMessage } from '@p2pft/protocol'
import { createFrameChannel, type FrameChannel } from './frame-channel.ts'
import { createMemoryStreamPair } from './memory-stream.ts'
import { receiveTransfer, type ReceiveResult, type ReceiveTransferOptions } from './transfer-receiver.ts'

const log = pino({ level: 'silent' })

async function tempDir (t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-receiver-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function offerOf (entries: ManifestEntry[], overrides: Partial<OfferMessage> = {}): OfferMessage {
  return {
    transferId: 'test-transfer-1',
    senderName: 'Mallory',
    chunkSizeBytes: 64 * 1024,
    totalBytes: entries.reduce((sum, entry) => sum + (entry.kind === 'file' ? entry.size : 0), 0),
    entries,
    ...overrides
  }
}

function file (path: string, size = 1): ManifestEntry {
  return { path, kind: 'file', size, mtimeMs: 1_000_000 }
}

interface RawSession {
  /** Our end, speaking raw frames as a (hostile) sender would. */
  sender: FrameChannel
  received: Promise<ReceiveResult>
  asked: () => boolean
}

/** Starts a receiver and hands back a frame channel to drive it by hand. */
function startReceiver (downloadDir: string, options: Partial<ReceiveTransferOptions> = {}): RawSession {
  const [senderStream, receiverStream] = createMemoryStreamPair()
  let asked = false
  const received = receiveTransfer({
    stream: receiverStream,
    downloadDir,
    log,
    decide: async () => { asked = true; return { accept: true } },
    freeBytes: async () => Number.MAX_SAFE_INTEGER,
    ...options
  })
  received.catch(() => {})
  return { sender: createFrameChannel({ stream: senderStream, log }), received, asked: () => asked }
}

/** The receiver's next frame other than a `chunk-ack` (it acknowledges the chunks on disk). */
async function readVerdict (channel: FrameChannel): Promise<Awaited<ReturnType<FrameChannel['read']>>> {
  for (;;) {
    const frame = await channel.read()
    if (frame.kind !== 'chunk-ack') return frame
  }
}

async function assertRejectsWith (promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isAppError(err, code), `expected ${code}, got ${String(err)}`)
    return true
  })
}

const hostileOffers: Array<[string, OfferMessage, ErrorCode]> = [
  ['an absolute path', offerOf([file('/etc/passwd')]), 'TRANSFER_INVALID_PATH'],
  ['a Windows absolute path', offerOf([file('C:/Windows/win.ini')]), 'TRANSFER_INVALID_PATH'],
  ['a UNC path', offerOf([file('//server/share/x')]), 'TRANSFER_INVALID_PATH'],
  ['a backslash path', offerOf([file('\\x')]), 'TRANSFER_INVALID_PATH'],
  ['a parent reference', offerOf([file('../x')]), 'TRANSFER_INVALID_PATH'],
  ['a parent reference inside', offerOf([file('a/../../b')]), 'TRANSFER_INVALID_PATH'],
  ['a NUL in a name', offerOf([file('a\u0000b.txt')]), 'TRANSFER_INVALID_PATH'],
  ['a 300-character name', offerOf([file('x'.repeat(300))]), 'TRANSFER_INVALID_PATH'],
  ['an empty segment', offerOf([file('a//b')]), 'TRANSFER_INVALID_PATH'],
  ['too many files', offerOf(Array.from({ length: MAX_FILES + 1 }, (_, i) => file(`f${i}`, 0))), 'TRANSFER_TOO_MANY_FILES'],
  ['a negative size', offerOf([file('a.txt', -5)], { totalBytes: -5 }), 'TRANSFER_INVALID_SIZE'],
  ['a total that does not add up', offerOf([file('a.txt', 5)], { totalBytes: 4 }), 'TRANSFER_INVALID_SIZE'],
  ['a folder with a size', offerOf([{ path: 'd', kind: 'directory', size: 3, mtimeMs: 0 }]), 'TRANSFER_INVALID_SIZE'],
  ['a tiny chunk size', offerOf([file('a.txt')], { chunkSizeBytes: 1 }), 'TRANSFER_INVALID_CHUNK_SIZE'],
  ['a duplicate path', offerOf([file('a.txt'), file('a.txt')]), 'TRANSFER_DUPLICATE_PATH'],
  ['a duplicate differing in case', offerOf([file('A.txt'), file('a.txt')]), 'TRANSFER_DUPLICATE_PATH'],
  ['a file inside a file', offerOf([file('a'), file('a/b')]), 'TRANSFER_DUPLICATE_PATH']
]

for (const [what, offer, code] of hostileOffers) {
  test(`an offer with ${what} is declined with ${code}, the sender is told, and nothing is written`, async (t) => {
    const downloadDir = await tempDir(t)
    const { sender, received, asked } = startReceiver(downloadDir)

    await sender.send({ kind: 'offer', message: offer })
    const response = await sender.read()
    await sender.finish()

    assert.equal(response.kind, 'offer-response')
    assert.equal(response.kind === 'offer-response' && response.message.accepted, false)
    assert.equal(response.kind === 'offer-response' && response.message.code, code)
    await assertRejectsWith(received, code)
    assert.equal(asked(), false)
    assert.deepEqual(await readdir(downloadDir), [])
  })
}

test('a chunk sent before the offer is answered aborts with PROTOCOL_UNEXPECTED_MESSAGE and drops the question', async (t) => {
  const downloadDir = await tempDir(t)
  let decideSignal: AbortSignal | undefined
  const { sender, received } = startReceiver(downloadDir, {
    // A person who never answers: only the sender's misbehaviour can end this.
    decide: async (_offer, { signal }) => { decideSignal = signal; return await new Promise(() => {}) }
  })
  const data = randomBytes(100)

  await sender.send({ kind: 'offer', message: offerOf([file('a.txt', 100)]) })
  await sender.sendChunk(0, 0, blake3(data), data)

  await assertRejectsWith(sender.read(), 'PROTOCOL_UNEXPECTED_MESSAGE')
  await sender.fail(new Error('test done'))
  await assertRejectsWith(received, 'PROTOCOL_UNEXPECTED_MESSAGE')
  assert.equal(decideSignal?.aborted, true)
  assert.deepEqual(await readdir(downloadDir), [])
})

test('a first frame that is not an offer aborts with PROTOCOL_UNEXPECTED_MESSAGE', async (t) => {
  const downloadDir = await tempDir(t)
  const { sender, received } = startReceiver(downloadDir)

  await sender.send({ kind: 'done', message: {} })

  await assertRejectsWith(sender.read(), 'PROTOCOL_UNEXPECTED_MESSAGE')
  await sender.fail(new Error('test done'))
  await assertRejectsWith(received, 'PROTOCOL_UNEXPECTED_MESSAGE')
})

test('a chunk that does not match its hash fails the file at its end with TRANSFER_HASH_MISMATCH, leaving neither the file nor its .part', async (t) => {
  const downloadDir = await tempDir(t)
  const { sender, received } = startReceiver(downloadDir)
  const first = randomBytes(64 * 1024)
  const second = randomBytes(1000)
  const wholeFileHash = blake3(Buffer.concat([first, second])).toString('hex')

  await sender.send({ kind: 'offer', message: offerOf([{ path: 'd', kind: 'directory', size: 0, mtimeMs: 0 }, file('d/a.bin', first.byteLength + second.byteLength)]) })
  assert.equal((await sender.read()).kind, 'offer-response')
  await sender.sendChunk(1, 0, blake3(first), first)
  const hash = blake3(second)
  second[0] = (second[0] ?? 0) ^ 1
  await sender.sendChunk(1, 1, hash, second)
  await sender.send({ kind: 'file-end', message: { fileIndex: 1, blake3: wholeFileHash } })

  await assertRejectsWith(readVerdict(sender), 'TRANSFER_HASH_MISMATCH')
  await sender.fail(new Error('test done'))
  await assertRejectsWith(received, 'TRANSFER_HASH_MISMATCH')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('more bytes than offered abort with TRANSFER_SIZE_MISMATCH', async (t) => {
  const downloadDir = await tempDir(t)
  const { sender, received } = startReceiver(downloadDir)
  const data = randomBytes(100)

  await sender.send({ kind: 'offer', message: offerOf([file('a.bin', 50)]) })
  assert.equal((await sender.read()).kind, 'offer-response')
  await sender.sendChunk(0, 0, blake3(data), data)

  await assertRejectsWith(sender.read(), 'TRANSFER_SIZE_MISMATCH')
  await sender.fail(new Error('test done'))
  await assertRejectsWith(received, 'TRANSFER_SIZE_MISMATCH')
  assert.deepEqual(await readdir(downloadDir), [])
})

test('done before every file arrived aborts with PROTOCOL_UNEXPECTED_MESSAGE, keeping the files already saved', async (t) => {
  const downloadDir = await tempDir(t)
  const { sender, received } = startReceiver(downloadDir)
  const data = randomBytes(10)

  await sender.send({ kind: 'offer', message: offerOf([file('a.bin', 10), file('b.bin', 10)]) })
  assert.equal((await sender.read()).kind, 'offer-response')
  await sender.sendChunk(0, 0, blake3(data), data)
  await sender.send({ kind: 'file-end', message: { fileIndex: 0, blake3: blake3(data).toString('hex') } })
  const result = await readVerdict(sender)
  await sender.send({ kind: 'done', message: {} })

  assert.equal(result.kind === 'file-result' && result.message.ok, true)
  await assertRejectsWith(readVerdict(sender), 'PROTOCOL_UNEXPECTED_MESSAGE')
  await sender.fail(new Error('test done'))
  await assertRejectsWith(received, 'PROTOCOL_UNEXPECTED_MESSAGE')
  assert.deepEqual(await readdir(downloadDir), ['a.bin'])
})

test('a failure while later files are being created ahead leaves only the files already saved', async (t) => {
  const downloadDir = await tempDir(t)
  const { sender, received } = startReceiver(downloadDir)
  const data = randomBytes(10)

  await sender.send({ kind: 'offer', message: offerOf(Array.from({ length: 40 }, (_, i) => file(`f${i}.bin`, 10))) })
  assert.equal((await sender.read()).kind, 'offer-response')
  await sender.sendChunk(0, 0, blake3(data), data)
  await sender.send({ kind: 'file-end', message: { fileIndex: 0, blake3: blake3(data).toString('hex') } })
  assert.equal((await readVerdict(sender)).kind, 'file-result')
  const hash = blake3(data)
  data[0] = (data[0] ?? 0) ^ 1
  await sender.sendChunk(1, 0, hash, data)

  await assertRejectsWith(readVerdict(sender), 'TRANSFER_HASH_MISMATCH')
  await sender.fail(new Error('test done'))
  await assertRejectsWith(received, 'TRANSFER_HASH_MISMATCH')
  assert.deepEqual(await readdir(downloadDir), ['f0.bin'])
})

test('a symlink already in the download folder is never written through', async (t) => {
  const downloadDir = await tempDir(t)
  const outside = await tempDir(t)
  await symlink(outside, join(downloadDir, 'photos'))
  await symlink(join(outside, 'stolen.txt'), join(downloadDir, 'a.txt.part'))
  const { sender, received } = startReceiver(downloadDir)
  const data = Buffer.from('hello')

  await sender.send({ kind: 'offer', message: offerOf([file('photos/x.txt', 5), file('a.txt', 5)]) })
  assert.equal((await sender.read()).kind, 'offer-response')
  for (const fileIndex of [0, 1]) {
    await sender.sendChunk(fileIndex, 0, blake3(data), data)
    await sender.send({ kind: 'file-end', message: { fileIndex, blake3: blake3(data).toString('hex') } })
    assert.equal((await readVerdict(sender)).kind, 'file-result')
  }
  await sender.send({ kind: 'done', message: {} })
  assert.equal((await readVerdict(sender)).kind, 'complete')
  await sender.finish()

  const result = await received
  assert.deepEqual(await readdir(outside), [])
  assert.equal(await readFile(join(downloadDir, 'photos (1)', 'x.txt'), 'utf8'), 'hello')
  assert.equal(await readFile(join(downloadDir, 'a (1).txt'), 'utf8'), 'hello')
  assert.deepEqual(result.savedPaths, [join(downloadDir, 'photos (1)', 'x.txt'), join(downloadDir, 'a (1).txt')])
})

test('entries differing only in case share one folder instead of two', async (t) => {
  const downloadDir = await tempDir(t)
  const { sender, received } = startReceiver(downloadDir)
  const data = Buffer.from('x')

  await sender.send({ kind: 'offer', message: offerOf([file('Docs/a.txt'), file('docs/b.txt')]) })
  assert.equal((await sender.read()).kind, 'offer-response')
  for (const fileIndex of [0, 1]) {
    await sender.sendChunk(fileIndex, 0, blake3(data), data)
    await sender.send({ kind: 'file-end', message: { fileIndex, blake3: blake3(data).toString('hex') } })
  }
  await sender.send({ kind: 'done', message: {} })
  assert.equal((await readVerdict(sender)).kind, 'file-result')
  assert.equal((await readVerdict(sender)).kind, 'file-result')
  assert.equal((await readVerdict(sender)).kind, 'complete')
  await sender.finish()

  await received
  assert.deepEqual(await readdir(downloadDir), ['Docs'])
  assert.deepEqual((await readdir(join(downloadDir, 'Docs'))).sort(), ['a.txt', 'b.txt'])
})

test('a download folder that cannot be created fails with TRANSFER_WRITE_FAILED and tells the sender', async (t) => {
  const parent = await tempDir(t)
  const downloadDir = join(parent, 'not-a-folder')
  await writeFile(downloadDir, 'a file where the folder should be')
  const { sender, received } = startReceiver(downloadDir)

  await sender.send({ kind: 'offer', message: offerOf([file('a.txt')]) })
  await assertRejectsWith(sender.read(), 'TRANSFER_WRITE_FAILED')
  await sender.fail(new Error('test done'))
  await assertRejectsWith(received, 'TRANSFER_WRITE_FAILED')
})

test('the chunk acks cover every byte written, however many chunks one ack stands for', async (t) => {
  const downloadDir = await tempDir(t)
  const { sender, received } = startReceiver(downloadDir)
  const files = Array.from({ length: 50 }, (_, i) => ({ entry: file(`f${i}.bin`, 1000 + i), data: randomBytes(1000 + i) }))

  await sender.send({ kind: 'offer', message: offerOf(files.map(f => f.entry)) })
  assert.equal((await sender.read()).kind, 'offer-response')
  for (const [fileIndex, { data }] of files.entries()) {
    await sender.sendChunk(fileIndex, 0, blake3(data), data)
    await sender.send({ kind: 'file-end', message: { fileIndex, blake3: blake3(data).toString('hex') } })
  }
  await sender.send({ kind: 'done', message: {} })
  let ackedBytes = 0
  let results = 0
  for (let frame = await sender.read(); frame.kind !== 'complete'; frame = await sender.read()) {
    if (frame.kind === 'chunk-ack') {
      assert.ok(frame.message.bytes > ackedBytes, 'acks only grow')
      ackedBytes = frame.message.bytes
    } else {
      assert.equal(frame.kind, 'file-result')
      results++
    }
  }
  await sender.finish()

  await received
  assert.equal(results, files.length)
  assert.equal(ackedBytes, files.reduce((sum, f) => sum + f.data.byteLength, 0))
})
