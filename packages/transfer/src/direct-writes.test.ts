import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { DIRECT_IO_ALIGNMENT, openDirectWriter } from './direct-writes.ts'

const log = pino({ level: 'silent' })
const CHUNK = 16 * DIRECT_IO_ALIGNMENT

/** Whether the file system under `dir` takes O_DIRECT at all (some, like tmpfs on older kernels, do not). */
async function takesDirectWrites (dir: string): Promise<boolean> {
  if (constants.O_DIRECT === undefined) return false
  const probe = join(dir, 'probe')
  await writeFile(probe, '')
  try {
    await (await open(probe, constants.O_WRONLY | constants.O_DIRECT)).close()
    return true
  } catch {
    return false
  }
}

test('writes aligned chunks past the page cache from any slices, and declines what is not aligned', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-direct-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  if (!(await takesDirectWrites(dir))) {
    t.skip('this platform or file system has no O_DIRECT')
    return
  }
  const path = join(dir, 'big.part')
  await writeFile(path, '')
  const data = randomBytes(2 * CHUNK + 1000)

  const writer = await openDirectWriter(path, CHUNK, log)
  assert.ok(writer !== undefined)
  // Slices of odd lengths and offsets, as a chunk arrives from the network.
  assert.equal(await writer.write([data.subarray(0, 777), data.subarray(777, CHUNK)], CHUNK, 0), CHUNK)
  assert.equal(await writer.write([data.subarray(CHUNK, 2 * CHUNK)], CHUNK, CHUNK), CHUNK)
  assert.equal(await writer.write([data.subarray(2 * CHUNK)], 1000, 2 * CHUNK), 0, 'a length that is not a block multiple is left to the caller')
  assert.equal(await writer.write([data.subarray(0, CHUNK)], CHUNK, 1000), 0, 'so is a position off a block boundary')
  assert.equal(await writer.write([Buffer.alloc(2 * CHUNK)], 2 * CHUNK, 0), 0, 'and more than one chunk')
  await writer.close()

  assert.ok((await readFile(path)).equals(data.subarray(0, 2 * CHUNK)))
})

test('gives no direct writer for a chunk size that is not a multiple of the block size, or a path that is not there', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-direct-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const path = join(dir, 'file.part')
  await writeFile(path, '')

  assert.equal(await openDirectWriter(path, CHUNK + 512, log), undefined)
  assert.equal(await openDirectWriter(join(dir, 'missing.part'), CHUNK, log), undefined)
})
