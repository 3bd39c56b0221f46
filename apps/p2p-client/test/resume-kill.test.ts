import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { open, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createFaultRig, median } from './support/fault-harness.ts'
import { openTestBed, type TestBed } from './support/test-bed.ts'
import { hashFile, writeRandomFile } from './support/test-files.ts'

const MIB = 1024 * 1024
const FILE_BYTES = 256 * MIB
/** Random kill points per side: enough to hit different places, few enough for a 2-core CI. */
const RUNS = 3

/** A kill point between 10% and 90% of the file, as bytes on the wire to the receiver (the proxy cuts the link there). */
function randomKillPoint (): number {
  return Math.round(FILE_BYTES * (0.1 + 0.8 * Math.random()))
}

describe('kill -9 in the middle of a 256 MiB transfer, then restart: it completes from where it stopped', () => {
  let bed: TestBed
  let source: string
  let sourceHash: string
  const figures: Array<{ fault: string, killedAtBytes: number, resentBytes: number, completed: boolean, corrupt: boolean }> = []

  before(async () => {
    bed = await openTestBed('resume-kill')
    source = join(bed.path, 'big.bin')
    await writeRandomFile(source, FILE_BYTES)
    sourceHash = await hashFile(source)
  })

  after(async () => {
    for (const fault of new Set(figures.map(f => f.fault))) {
      const runs = figures.filter(f => f.fault === fault)
      process.stdout.write(`# ${fault}: runs ${runs.length}, completed ${runs.filter(r => r.completed).length}, corrupt ${runs.filter(r => r.corrupt).length}, re-sent bytes median ${median(runs.map(r => r.resentBytes))} (${runs.map(r => r.resentBytes).join(', ')})\n`)
    }
    await bed?.close()
  })

  for (let run = 1; run <= RUNS; run++) {
    test(`receiver killed at a random point (run ${run}): completes byte-identical, re-sending under 5%`, async () => {
      const rig = await createFaultRig(bed.path, `rk${run}`, bed.serverUrl)
      try {
        let receiver = await rig.startReceiver()
        const killAt = randomKillPoint()
        const cut = rig.proxy.cutAfter(killAt)
        const sender = rig.startSender([source], ['--retry-for', '60'])
        await cut
        receiver.child.kill('SIGKILL')
        await receiver.exited
        rig.proxy.restore()
        assert.ok((await readdir(rig.downloads)).includes('big.bin.part'), 'the partial file stays')

        receiver = await rig.startReceiver()
        const done = await receiver.waitFor(e => e.event === 'done', 90_000)
        assert.equal(await sender.exited, 0, sender.stderr())
        assert.ok(sender.events.some(e => e.event === 'retrying' && (e.reason as { code: string }).code === 'TRANSFER_PEER_GONE'))

        const received = await hashFile(join(rig.downloads, 'big.bin'))
        const resentBytes = rig.proxy.bytesToTarget() - FILE_BYTES
        figures.push({ fault: 'receiver kill -9', killedAtBytes: killAt, resentBytes, completed: true, corrupt: received !== sourceHash })
        assert.equal(received, sourceHash)
        assert.equal(done.files, 1)
        assert.deepEqual(await readdir(rig.downloads), ['big.bin'])
        assert.ok(resentBytes < FILE_BYTES * 0.05, `re-sent ${resentBytes} bytes`)
      } finally {
        await rig.stopAll()
      }
    })
  }

  for (let run = 1; run <= RUNS; run++) {
    test(`sender killed at a random point (run ${run}), the same send run again: completes byte-identical, re-sending under 5%`, async () => {
      const rig = await createFaultRig(bed.path, `sk${run}`, bed.serverUrl)
      try {
        const receiver = await rig.startReceiver()
        const killAt = randomKillPoint()
        const cut = rig.proxy.cutAfter(killAt)
        const first = rig.startSender([source])
        await cut
        first.child.kill('SIGKILL')
        await first.exited
        // What the sender had sent before it died arrives, then the connection's end.
        rig.proxy.restore()
        const interrupted = await receiver.waitFor(e => e.event === 'error', 30_000)
        assert.equal(interrupted.code, 'TRANSFER_PEER_GONE')

        const second = rig.startSender([source])
        assert.equal(await second.exited, 0, second.stderr())
        await receiver.waitFor(e => e.event === 'done', 30_000)

        const received = await hashFile(join(rig.downloads, 'big.bin'))
        const resentBytes = rig.proxy.bytesToTarget() - FILE_BYTES
        figures.push({ fault: 'sender kill -9', killedAtBytes: killAt, resentBytes, completed: true, corrupt: received !== sourceHash })
        assert.equal(received, sourceHash)
        assert.deepEqual(await readdir(rig.downloads), ['big.bin'])
        assert.ok(resentBytes < FILE_BYTES * 0.05, `re-sent ${resentBytes} bytes`)
      } finally {
        await rig.stopAll()
      }
    })
  }

  test('a byte flipped in the .part while the receiver is stopped is detected on resume and fetched again', async () => {
    const rig = await createFaultRig(bed.path, 'flip', bed.serverUrl)
    try {
      let receiver = await rig.startReceiver()
      const cut = rig.proxy.cutAfter(FILE_BYTES / 2)
      const sender = rig.startSender([source], ['--retry-for', '60'])
      await cut
      receiver.child.kill('SIGKILL')
      await receiver.exited
      rig.proxy.restore()
      // Flip a byte well inside what the receiver had verified.
      const part = await open(join(rig.downloads, 'big.bin.part'), 'r+')
      const offset = 10 * MIB + 12_345
      const byte = Buffer.alloc(1)
      await part.read(byte, 0, 1, offset)
      await part.write(Buffer.from([(byte[0] ?? 0) ^ 0x5a]), 0, 1, offset)
      await part.close()

      receiver = await rig.startReceiver()
      await receiver.waitFor(e => e.event === 'done', 90_000)
      assert.equal(await sender.exited, 0, sender.stderr())

      const received = await hashFile(join(rig.downloads, 'big.bin'))
      figures.push({ fault: 'flipped byte in .part', killedAtBytes: FILE_BYTES / 2, resentBytes: rig.proxy.bytesToTarget() - FILE_BYTES, completed: true, corrupt: received !== sourceHash })
      assert.equal(received, sourceHash)
      // The damaged chunk and everything after it were fetched again.
      assert.ok(rig.proxy.bytesToTarget() - FILE_BYTES >= FILE_BYTES / 2 - 11 * MIB)
    } finally {
      await rig.stopAll()
    }
  })
})
