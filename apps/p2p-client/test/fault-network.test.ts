import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createFaultRig } from './support/fault-harness.ts'
import { openTestBed, type TestBed } from './support/test-bed.ts'
import { hashFile, writeRandomFile } from './support/test-files.ts'

const MIB = 1024 * 1024

describe('faults on the way: a cut link, a changing source, a full disk, many files', () => {
  let bed: TestBed

  before(async () => {
    bed = await openTestBed('fault')
  })

  after(async () => {
    await bed?.close()
  })

  test('a link cut silently mid-transfer is noticed by both sides within 10 s, and the transfer continues by itself once restored', async () => {
    const rig = await createFaultRig(bed.path, 'cut', bed.serverUrl)
    try {
      const source = join(bed.path, 'cut.bin')
      await writeRandomFile(source, 256 * MIB)
      const receiver = await rig.startReceiver()
      const cut = rig.proxy.cutAfter(64 * MIB)
      const sender = rig.startSender([source], ['--retry-for', '120'])
      await cut
      const cutAtMs = Date.now()

      const [senderNoticed, receiverNoticed] = await Promise.all([
        sender.waitFor(e => e.event === 'retrying', 20_000).then(() => Date.now() - cutAtMs),
        receiver.waitFor(e => e.event === 'error' && e.code === 'TRANSFER_PEER_GONE', 20_000).then(() => Date.now() - cutAtMs)
      ])
      process.stdout.write(`# link cut: sender noticed in ${senderNoticed} ms, receiver in ${receiverNoticed} ms\n`)
      assert.ok(senderNoticed <= 10_000 && receiverNoticed <= 10_000, `noticed after ${senderNoticed} / ${receiverNoticed} ms`)
      rig.proxy.restore()

      assert.equal(await sender.exited, 0, sender.stderr())
      await receiver.waitFor(e => e.event === 'done', 30_000)
      assert.equal(await hashFile(join(rig.downloads, 'cut.bin')), await hashFile(source))
      const resentBytes = rig.proxy.bytesToTarget() - 256 * MIB
      process.stdout.write(`# link cut: runs 1, completed 1, corrupt 0, re-sent bytes ${resentBytes}\n`)
      assert.ok(resentBytes < 256 * MIB * 0.05, `re-sent ${resentBytes}`)
    } finally {
      await rig.stopAll()
    }
  })

  test('a source file modified mid-transfer stops the sender with TRANSFER_SOURCE_CHANGED; nothing half-done is kept', async () => {
    const rig = await createFaultRig(bed.path, 'changed', bed.serverUrl)
    try {
      const source = join(bed.path, 'growing.log')
      await writeRandomFile(source, 256 * MIB)
      const receiver = await rig.startReceiver()
      const sender = rig.startSender([source])
      await sender.waitFor(e => e.event === 'progress' && Number(e.bytes) > 0, 60_000)
      await appendFile(source, 'one more line\n')

      assert.equal(await sender.exited, 1)
      assert.ok(sender.events.some(e => e.event === 'error' && e.code === 'TRANSFER_SOURCE_CHANGED'), JSON.stringify(sender.events.at(-1)))
      await receiver.waitFor(e => e.event === 'error' && e.code === 'TRANSFER_SOURCE_CHANGED', 10_000)
      assert.deepEqual(await readdir(rig.downloads), [])
    } finally {
      await rig.stopAll()
    }
  })

  test('not enough free space (an injected probe): declined before any byte is written', async () => {
    const rig = await createFaultRig(bed.path, 'full', bed.serverUrl)
    try {
      const source = join(bed.path, 'too-big.bin')
      await writeRandomFile(source, 4 * MIB)
      await rig.startReceiver({ P2PFT_FREE_BYTES: String(1 * MIB) })
      const sender = rig.startSender([source])

      assert.equal(await sender.exited, 1)
      const declined = sender.events.find(e => e.event === 'declined')
      assert.equal(declined?.code, 'TRANSFER_NO_SPACE')
      assert.match(String(declined?.message), /not enough free space/)
      assert.ok(rig.proxy.bytesToTarget() < 64 * 1024, `${rig.proxy.bytesToTarget()} bytes crossed`)
      assert.deepEqual(await readdir(rig.downloads), [])
    } finally {
      await rig.stopAll()
    }
  })

  test('10,000 files of 1 KiB arrive, and the time is reported', async () => {
    const rig = await createFaultRig(bed.path, 'many', bed.serverUrl)
    try {
      const folder = join(bed.path, 'many')
      await mkdir(folder)
      for (let start = 0; start < 10_000; start += 500) {
        await Promise.all(Array.from({ length: 500 }, async (_, i) => { await writeFile(join(folder, `file-${start + i}.txt`), Buffer.alloc(1024, (start + i) % 251)) }))
      }
      const receiver = await rig.startReceiver()
      const startedMs = Date.now()
      const sender = rig.startSender([folder])
      assert.equal(await sender.exited, 0, sender.stderr())
      const done = await receiver.waitFor(e => e.event === 'done', 60_000)
      const elapsedMs = Date.now() - startedMs
      process.stdout.write(`# 10,000 files of 1 KiB: ${elapsedMs} ms from starting send to done (transfer ${String(done.durationMs)} ms)\n`)
      assert.equal(done.files, 10_000)
      assert.equal((await readdir(join(rig.downloads, 'many'))).length, 10_000)
    } finally {
      await rig.stopAll()
    }
  })
})
