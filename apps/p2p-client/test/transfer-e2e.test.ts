import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { JsonEvent, JsonProcess } from './support/json-process.ts'
import { openTestBed, spawnClient, type TestBed } from './support/test-bed.ts'
import { describeTree, writeNestedFolder, writeRandomFile } from './support/test-files.ts'

const MIB = 1024 * 1024

describe('two clients and a real signal server on 127.0.0.1', () => {
  let bed: TestBed

  const startReceiver = async (name: string, extra: string[] = []): Promise<{ process: JsonProcess, downloads: string, peerId: string }> => {
    const downloads = join(bed.path, `${name}-downloads`)
    const receiver = spawnClient(bed, ['receive', '--name', name, '--data-dir', join(bed.path, `${name}-data`), '--dir', downloads, ...extra])
    const listening = await receiver.waitFor(e => e.event === 'listening')
    return { process: receiver, downloads, peerId: String(listening.peerId) }
  }

  before(async () => {
    bed = await openTestBed('e2e')
  })

  after(async () => {
    await bed?.close('SIGKILL')
  })

  test('sends a 64 MiB file and a nested folder that arrive byte-identical, with progress on both sides', async () => {
    const source = join(bed.path, 'alice-files')
    await writeNestedFolder(join(source, 'folder'))
    await writeRandomFile(join(source, 'big.bin'), 64 * MIB)
    const bob = await startReceiver('Bob', ['--yes', '--once'])

    const alice = spawnClient(bed, ['send', '--to', 'Bob', '--data-dir', join(bed.path, 'alice-data'), join(source, 'big.bin'), join(source, 'folder')])
    assert.equal(await alice.exited, 0, alice.stderr())
    assert.equal(await bob.process.exited, 0, bob.process.stderr())

    const sent = await describeTree(source)
    const received = await describeTree(bob.downloads)
    assert.deepEqual([...received.entries()].sort(), [...sent.entries()].sort())
    assert.ok(received.has(join('folder', 'empty folder')), 'empty folder arrived')
    assert.equal(received.get(join('folder', 'empty.txt'))?.split(':')[0], '0', 'empty file arrived')

    for (const side of [alice, bob.process]) {
      const progress = side.events.filter(e => e.event === 'progress')
      assert.ok(progress.length > 0, 'progress reported')
      assert.equal(progress.at(-1)?.bytes, progress.at(-1)?.total)
      assert.ok(side.events.some(e => e.event === 'done'))
    }
    assert.ok(alice.events.some(e => e.event === 'accepted'))
    // Direct: the bytes go over a sealed data lane beside the libp2p connection, on both sides.
    assert.ok(alice.events.some(e => e.event === 'connection' && e.type === 'direct' && e.lane === true), 'the sender used a lane')
    assert.ok(bob.process.events.some(e => e.event === 'connection' && e.type === 'direct' && e.lane === true), 'the receiver got the lane')
    const bigComplete = bob.process.events.find(e => e.event === 'file-complete' && e.path === 'big.bin')
    assert.match(String(bigComplete?.blake3), /^[0-9a-f]{64}$/)
    assert.equal(bigComplete?.blake3, sent.get('big.bin')?.split(':')[1])
  })

  /** Sends 8 MiB to a new receiver that offers no lane (P2PFT_LANE=0), checks it arrived intact, and returns the sender's `connection` event. */
  async function sendToReceiverWithoutLane (name: string, senderEnv: Record<string, string> = {}): Promise<JsonEvent | undefined> {
    const sourceDir = join(bed.path, `${name}-no-lane-files`)
    const source = join(sourceDir, 'no-lane.bin')
    await mkdir(sourceDir)
    await writeRandomFile(source, 8 * MIB)
    const downloads = join(bed.path, `${name}-downloads`)
    const receiver = spawnClient(bed, ['receive', '--name', name, '--yes', '--once', '--data-dir', join(bed.path, `${name}-data`), '--dir', downloads], { P2PFT_LANE: '0' })
    await receiver.waitFor(e => e.event === 'listening')

    const alice = spawnClient(bed, ['send', '--to', name, '--data-dir', join(bed.path, 'alice-data'), source], senderEnv)
    assert.equal(await alice.exited, 0, alice.stderr())
    assert.equal(await receiver.exited, 0, receiver.stderr())
    assert.deepEqual(await describeTree(downloads), await describeTree(sourceDir))
    return alice.events.find(e => e.event === 'connection')
  }

  test('a receiver that offers no lane (P2PFT_LANE=0) still gets the files, over the libp2p connection', async () => {
    const connection = await sendToReceiverWithoutLane('Erin')
    assert.equal(connection?.type, 'direct')
    assert.equal(connection?.lane, undefined, 'no lane was used')
  })

  test('over the relay, a receiver that offers no lane (P2PFT_LANE=0) still gets the files, through the libp2p relay', async () => {
    const connection = await sendToReceiverWithoutLane('Frank', { P2PFT_RELAY_ONLY: '1' })
    assert.equal(connection?.type, 'relayed')
    assert.equal(connection?.lane, undefined, 'no lane was used')
  })

  test('peers shows a receiver, and stops showing it within 15 s of its exit', async () => {
    const carol = await startReceiver('Carol')
    const peers = spawnClient(bed, ['peers', '--data-dir', join(bed.path, 'observer-data')])
    assert.equal(await peers.exited, 0, peers.stderr())
    assert.ok(peers.events.some(e => e.event === 'peer-online' && e.name === 'Carol' && e.peerId === carol.peerId))

    const watcher = spawnClient(bed, ['peers', '--watch', '--data-dir', join(bed.path, 'watcher-data')])
    await watcher.waitFor(e => e.event === 'peer-online' && e.peerId === carol.peerId)
    const killedAt = Date.now()
    carol.process.child.kill('SIGKILL')
    await watcher.waitFor(e => e.event === 'peer-offline' && e.peerId === carol.peerId, 16_000)
    assert.ok(Date.now() - killedAt < 15_000, 'gone within 15 s')
    await watcher.stop()

    const after = spawnClient(bed, ['peers', '--data-dir', join(bed.path, 'observer-data')])
    assert.equal(await after.exited, 0)
    assert.ok(!after.events.some(e => e.event === 'peer-online' && e.peerId === carol.peerId))
  })

  test('a declined offer makes send exit non-zero with a clear message and leaves nothing on the receiver', async () => {
    // Without --yes and without a terminal, the receiver declines with a reason.
    const dave = await startReceiver('Dave')
    const source = join(bed.path, 'declined.bin')
    await writeRandomFile(source, 1 * MIB)
    const alice = spawnClient(bed, ['send', '--to', 'Dave', '--data-dir', join(bed.path, 'alice-data'), source])
    assert.equal(await alice.exited, 1)
    const declined = alice.events.find(e => e.event === 'declined')
    assert.equal(declined?.code, 'TRANSFER_DECLINED')
    assert.match(String(declined?.message), /declined|cannot be asked/)
    assert.ok(alice.events.some(e => e.event === 'error' && e.code === 'TRANSFER_DECLINED'))
    assert.deepEqual(await readdir(dave.downloads), [])
  })

  test('with direct dialing disabled, 64 MiB crosses the relay intact, on a lane the signal server splices', async () => {
    const erin = await startReceiver('Erin', ['--yes', '--once'])
    // The receiver announces its relay address once its reservation is made.
    const source = join(bed.path, 'relayed.bin')
    await writeRandomFile(source, 64 * MIB)
    const alice = spawnClient(bed, ['send', '--to', 'Erin', '--data-dir', join(bed.path, 'alice-data'), source], { P2PFT_RELAY_ONLY: '1' })
    assert.equal(await alice.exited, 0, alice.stderr())
    assert.equal(await erin.process.exited, 0)
    const connection = alice.events.find(e => e.event === 'connection')
    assert.equal(connection?.type, 'relayed')
    // The bytes went through the signal server's lane relay, sealed end to end, not through libp2p.
    assert.equal(connection?.lane, true, 'the relayed transfer ran on a spliced data lane')
    assert.ok(erin.process.events.some(e => e.event === 'connection' && e.type === 'relayed' && e.lane === true), 'the receiver got the lane')
    const sent = await describeTree(join(bed.path))
    const received = await describeTree(erin.downloads)
    assert.equal(received.get('relayed.bin'), sent.get('relayed.bin'))
  })

  test('send to a device that never comes online fails with a clear reason', async () => {
    const source = join(bed.path, 'nobody.bin')
    await writeRandomFile(source, 1024)
    const alice = spawnClient(bed, ['send', '--to', 'Nobody', '--wait', '1', '--data-dir', join(bed.path, 'alice-data'), source])
    assert.equal(await alice.exited, 1)
    assert.ok(alice.events.some(e => e.event === 'error' && e.code === 'TRANSFER_PEER_NOT_FOUND'))
  })
})
