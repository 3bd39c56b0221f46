import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile, chmod } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { isAppError } from '@p2pft/protocol'
import { loadOrCreateIdentity } from './identity-store.ts'

test('creates a private Ed25519 key once and loads the same identity afterwards', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-identity-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const first = await loadOrCreateIdentity(dir)
  const second = await loadOrCreateIdentity(dir)
  assert.equal(first.type, 'Ed25519')
  assert.equal(peerIdFromPrivateKey(first).toString(), peerIdFromPrivateKey(second).toString())
  assert.equal((await stat(join(dir, 'identity.key'))).mode & 0o777, 0o600)
})

test('tightens a key file that became readable by others', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-identity-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  await loadOrCreateIdentity(dir)
  await chmod(join(dir, 'identity.key'), 0o644)
  await loadOrCreateIdentity(dir)
  assert.equal((await stat(join(dir, 'identity.key'))).mode & 0o777, 0o600)
})

test('a damaged key file is an IDENTITY_INVALID error, not a new identity', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-identity-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  await writeFile(join(dir, 'identity.key'), 'not a key', { mode: 0o600 })
  await assert.rejects(loadOrCreateIdentity(dir), (err: unknown) => isAppError(err, 'IDENTITY_INVALID'))
})
