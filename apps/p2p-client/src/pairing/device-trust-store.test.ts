import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { isAppError } from '@p2pft/protocol'
import { loadDeviceTrustStore } from './device-trust-store.ts'

const TAG = 'a'.repeat(43)

async function withDataDir (run: (dir: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'p2pft-trust-'))
  try {
    await run(join(root, 'data'))
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

const newPeerId = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()

test('a pairing is stored in a private file (0600 in a 0700 dir) and its tag is offered to the server', async () => {
  await withDataDir(async (dir) => {
    await mkdir(dir, { mode: 0o755 })
    await chmod(dir, 0o755)
    const peerId = await newPeerId()
    const store = await loadDeviceTrustStore(dir)
    await store.addPaired({ peerId, name: 'Bob', pairTag: TAG }, 1000)
    assert.deepEqual(store.pairTags(), [TAG])
    assert.equal(store.isAutoAccepted(peerId, true), true)
    assert.equal(store.isAutoAccepted(peerId, false), false)
    assert.equal((await stat(join(dir, 'devices.json'))).mode & 0o777, 0o600)
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
    const reloaded = await loadDeviceTrustStore(dir)
    assert.equal(reloaded.get(peerId)?.pairedAtMs, 1000)
  })
})

test('blocking hides the tag and stops auto-accept; unpairing forgets the pairing', async () => {
  await withDataDir(async (dir) => {
    const peerId = await newPeerId()
    const store = await loadDeviceTrustStore(dir)
    await store.addPaired({ peerId, name: 'Bob', pairTag: TAG }, 1000)
    await store.block(peerId, undefined)
    assert.equal(store.isBlocked(peerId), true)
    assert.deepEqual(store.pairTags(), [])
    assert.equal(store.isAutoAccepted(peerId, true), false)
    await store.unblock(peerId)
    assert.deepEqual(store.pairTags(), [TAG])
    await store.unpair(peerId)
    assert.equal(store.get(peerId), undefined)
    await assert.rejects(store.unpair(peerId), (err: unknown) => isAppError(err, 'TRUST_DEVICE_NOT_FOUND'))
    await assert.rejects(store.block('not-a-peer-id', undefined), (err: unknown) => isAppError(err, 'TRUST_DEVICE_NOT_FOUND'))
  })
})

test('the old trusted-devices.json is migrated once into "always accept" entries and removed', async () => {
  await withDataDir(async (dir) => {
    const peerId = await newPeerId()
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'trusted-devices.json'), JSON.stringify({ peers: [{ peerId, name: 'Old friend' }] }))
    const store = await loadDeviceTrustStore(dir)
    assert.equal(store.isAutoAccepted(peerId, false), true)
    assert.equal(store.get(peerId)?.name, 'Old friend')
    await assert.rejects(stat(join(dir, 'trusted-devices.json')), { code: 'ENOENT' })
    assert.match(await readFile(join(dir, 'devices.json'), 'utf8'), /Old friend/)
  })
})

test('a change made by another process (the CLI) is kept when this one changes the file', async () => {
  await withDataDir(async (dir) => {
    const [a, b] = [await newPeerId(), await newPeerId()]
    const daemon = await loadDeviceTrustStore(dir)
    const cli = await loadDeviceTrustStore(dir)
    await cli.addPaired({ peerId: a, name: 'A', pairTag: TAG }, 1)
    await daemon.block(b, 'B')
    assert.ok(daemon.get(a) !== undefined && daemon.isBlocked(b))
  })
})

test('a damaged file is a clear CONFIG_INVALID error, not an empty list', async () => {
  await withDataDir(async (dir) => {
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'devices.json'), '{"version":1,"devices":[{"peerId":"x"}]}')
    await assert.rejects(loadDeviceTrustStore(dir), (err: unknown) => isAppError(err, 'CONFIG_INVALID'))
  })
})
