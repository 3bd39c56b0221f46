import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { TransferView } from '@p2pft/protocol'
import { startDaemon, waitForPeerId } from './support/daemon-fixture.ts'
import { openTestBed, type TestBed } from './support/test-bed.ts'
import { writeRandomFile } from './support/test-files.ts'

const MIB = 1024 * 1024

async function list (dir: string): Promise<string[]> {
  return await readdir(dir).catch(() => [])
}

/** Polls the daemon until its transfer `id` satisfies `done`. */
async function waitForView (api: DaemonClient, find: (transfers: TransferView[]) => TransferView | undefined, done: (view: TransferView) => boolean, timeoutMs = 60_000): Promise<TransferView> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const view = find((await api.state()).transfers)
    if (view !== undefined && done(view)) return view
    if (Date.now() > deadline) throw new Error(`timed out; last seen ${JSON.stringify(view)}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

describe('cancel works in every state, from either side, and leaves nothing behind', () => {
  let bed: TestBed

  before(async () => {
    bed = await openTestBed('daemon-cancel')
  })

  after(async () => {
    await bed?.close('SIGKILL')
  })

  test('the receiver cancels mid-transfer: the sender stops for good (no retry), and no .part or journal is left', async () => {
    const source = join(bed.path, 'a.bin')
    await writeRandomFile(source, 256 * MIB)
    const alice = await startDaemon(bed, { name: 'Alice' })
    const bob = await startDaemon(bed, { name: 'Bob', extraArgs: ['--auto-accept'] })
    const { id } = await alice.api.send(await waitForPeerId(alice.api, 'Bob'), [source])
    await bob.process.waitFor(e => e.event === 'progress' && Number(e.bytes) >= 16 * MIB, 60_000)
    const receiving = (await bob.api.state()).transfers.find(transfer => transfer.direction === 'receive')
    assert.ok(receiving !== undefined)
    await bob.api.cancel(receiving.id)

    const sent = await waitForView(alice.api, transfers => transfers.find(transfer => transfer.id === id), view => view.status !== 'transferring' && view.status !== 'waiting' && view.status !== 'connecting')
    assert.equal(sent.status, 'cancelled', JSON.stringify(sent))
    assert.equal(alice.process.events.some(e => e.event === 'retrying'), false, 'the sender did not retry')
    await bob.process.waitFor(e => e.event === 'error' && e.code === 'TRANSFER_CANCELLED')
    assert.deepEqual(await list(bob.downloads), [])
    assert.deepEqual(await list(join(bob.dataDir, 'transfers')), [])
    assert.equal((await bob.api.state()).transfers.find(transfer => transfer.id === receiving.id)?.status, 'cancelled')
    await Promise.all([alice.process.stop(), bob.process.stop()])
  })

  test('with "keep what arrived" set in Settings, a receive cancelled by its receiver keeps its .part and journal', async () => {
    const source = join(bed.path, 'c.bin')
    await writeRandomFile(source, 256 * MIB)
    const alice = await startDaemon(bed, { name: 'Alice3' })
    const bob = await startDaemon(bed, { name: 'Bob3', extraArgs: ['--auto-accept'] })
    const settings = await bob.api.updateSettings({ keepPartial: true })
    assert.equal(settings.keepPartial, true)
    await alice.api.send(await waitForPeerId(alice.api, 'Bob3'), [source])
    await bob.process.waitFor(e => e.event === 'progress' && Number(e.bytes) >= 16 * MIB, 60_000)
    const receiving = (await bob.api.state()).transfers.find(transfer => transfer.direction === 'receive')
    assert.ok(receiving !== undefined)
    await bob.api.cancel(receiving.id)
    await bob.process.waitFor(e => e.event === 'error' && e.code === 'TRANSFER_CANCELLED')
    assert.deepEqual(await list(bob.downloads), ['c.bin.part'])
    assert.equal((await list(join(bob.dataDir, 'transfers'))).length, 1)
    assert.match(await readFile(join(bob.dataDir, 'settings.json'), 'utf8'), /"keepPartial": ?true/)
    await Promise.all([alice.process.stop(), bob.process.stop()])
  })

  test('the sender cancels a paused send: it ends cancelled and is no longer kept for Resume', async () => {
    const source = join(bed.path, 'b.bin')
    await writeRandomFile(source, 256 * MIB)
    const alice = await startDaemon(bed, { name: 'Alice2' })
    const bob = await startDaemon(bed, { name: 'Bob2', extraArgs: ['--auto-accept'] })
    const { id } = await alice.api.send(await waitForPeerId(alice.api, 'Bob2'), [source])
    await bob.process.waitFor(e => e.event === 'progress' && Number(e.bytes) >= 16 * MIB, 60_000)
    bob.process.child.kill('SIGKILL')
    await bob.process.exited
    await waitForView(alice.api, transfers => transfers.find(transfer => transfer.id === id), view => view.status === 'paused')
    assert.match(await readFile(join(alice.dataDir, 'outgoing-transfers.json'), 'utf8'), new RegExp(id))

    await alice.api.cancel(id)
    const view = await waitForView(alice.api, transfers => transfers.find(transfer => transfer.id === id), view => view.status !== 'paused')
    assert.equal(view.status, 'cancelled')
    assert.equal(view.resumable, undefined)
    assert.doesNotMatch(await readFile(join(alice.dataDir, 'outgoing-transfers.json'), 'utf8'), new RegExp(id))
  })
})
