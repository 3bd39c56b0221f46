import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, it } from 'node:test'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { isAppError } from '@p2pft/protocol'
import { loadOrCreateRelayKey } from './relay-key.ts'

const dir = await mkdtemp(join(tmpdir(), 'relay-key-'))
after(async () => { await rm(dir, { recursive: true, force: true }) })

it('creates a missing key file readable by the owner only, then loads the same identity', async () => {
  const path = join(dir, 'relay.key')
  const created = await loadOrCreateRelayKey(path)
  assert.equal(created.type, 'Ed25519')
  assert.equal((await stat(path)).mode & 0o777, 0o600)
  const loaded = await loadOrCreateRelayKey(path)
  assert.equal(peerIdFromPrivateKey(loaded).toString(), peerIdFromPrivateKey(created).toString())
})

it('refuses a file that holds no key with IDENTITY_INVALID', async () => {
  const path = join(dir, 'garbage.key')
  await writeFile(path, 'not a key')
  await assert.rejects(loadOrCreateRelayKey(path), (err: unknown) => isAppError(err, 'IDENTITY_INVALID'))
})
