import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { JsonProcess } from './support/json-process.ts'
import { openTestBed, spawnClient, type TestBed } from './support/test-bed.ts'
import { hashFile, writeRandomFile } from './support/test-files.ts'

const MIB = 1024 * 1024
const FILE_BYTES = 256 * MIB

/** Lists a folder; a missing one is empty. */
async function list (dir: string): Promise<string[]> {
  return await readdir(dir).catch(() => [])
}

describe('the sender cancels (Ctrl-C): the receiver deletes the partial file, unless it keeps partials for later', () => {
  let bed: TestBed
  let source: string

  /** Bob receives, Alice sends `source` and is interrupted once Bob holds 32 MiB; resolves with Bob's folders. */
  const cancelMidway = async (name: string, receiverFlags: string[]): Promise<{ receiver: JsonProcess, downloads: string, stateDir: string, aliceData: string }> => {
    const downloads = join(bed.path, `${name}-downloads`)
    const bobData = join(bed.path, `${name}-bob-data`)
    const aliceData = join(bed.path, `${name}-alice-data`)
    const receiver = spawnClient(bed, ['receive', '--name', name, '--yes', '--data-dir', bobData, '--dir', downloads, ...receiverFlags])
    await receiver.waitFor(e => e.event === 'listening')
    const sender = spawnClient(bed, ['send', '--to', name, '--data-dir', aliceData, source])
    await receiver.waitFor(e => e.event === 'progress' && Number(e.bytes) >= 32 * MIB, 60_000)
    sender.child.kill('SIGINT')
    assert.equal(await sender.exited, 130, sender.stderr())
    const failed = await receiver.waitFor(e => e.event === 'error', 30_000)
    assert.equal(failed.code, 'TRANSFER_CANCELLED')
    return { receiver, downloads, stateDir: join(bobData, 'transfers'), aliceData }
  }

  before(async () => {
    bed = await openTestBed('keep-partial')
    source = join(bed.path, 'big.bin')
    await writeRandomFile(source, FILE_BYTES)
  })

  after(async () => {
    await bed?.close('SIGKILL')
  })

  test('without --keep-partial the .part and its journal are removed', async () => {
    const { downloads, stateDir } = await cancelMidway('Plain', [])
    assert.deepEqual(await list(downloads), [])
    assert.deepEqual(await list(stateDir), [])
  })

  test('with --keep-partial the .part and its journal stay, and sending again later resumes from them', async () => {
    const { receiver, downloads, stateDir, aliceData } = await cancelMidway('Keeper', ['--keep-partial'])
    assert.deepEqual(await list(downloads), ['big.bin.part'])
    assert.equal((await list(stateDir)).length, 1)

    const again = spawnClient(bed, ['send', '--to', 'Keeper', '--data-dir', aliceData, source])
    assert.equal(await again.exited, 0, again.stderr())
    const done = await receiver.waitFor(e => e.event === 'done', 60_000)
    assert.equal(done.files, 1)
    assert.deepEqual(await list(downloads), ['big.bin'])
    assert.equal(await hashFile(join(downloads, 'big.bin')), await hashFile(source))
    assert.deepEqual(await list(stateDir), [], 'the journal of a completed transfer is removed')
    const firstProgress = again.events.find(e => e.event === 'progress')
    assert.ok(Number(firstProgress?.bytes) >= 32 * MIB, `the second send started from the kept part (first progress at ${String(firstProgress?.bytes)} bytes)`)
  })
})
