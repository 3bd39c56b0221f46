import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { renameSync, symlinkSync } from 'node:fs'
import { mkdir, mkdtemp, realpath, rename, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAppError } from '@p2pft/protocol'
import { createFolderGuard } from './folder-guard.ts'

async function tempDir (t: TestContext): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'p2pft-guard-')))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

const isRefused = (err: unknown): boolean => isAppError(err, 'TRANSFER_WRITE_FAILED')

test('many checks of the same folder at once all pass while it stays inside the download folder', async (t) => {
  const root = await tempDir(t)
  const sub = join(root, 'sub')
  await mkdir(sub)
  const folders = createFolderGuard(root)
  await folders.check(sub, 'sub/first.bin')

  const results = await Promise.allSettled(Array.from({ length: 200 }, (_, n) => folders.check(sub, `sub/${n}.bin`)))

  assert.deepEqual(results.filter(result => result.status === 'rejected'), [])
})

test('a check asked for after a folder was swapped for a symlink is refused, even while a check from before the swap is still running', async (t) => {
  const root = await tempDir(t)
  const outside = await tempDir(t)
  const folders = createFolderGuard(root)
  // Each round swaps a folder between two checks in the same turn: the stat of the first is
  // under way (or done) when the second is asked for, and must not answer for it.
  for (let round = 0; round < 20; round++) {
    const sub = join(root, `sub-${round}`)
    await mkdir(sub)
    await folders.check(sub, `sub-${round}/first.bin`)

    const before = folders.check(sub, `sub-${round}/before.bin`)
    before.catch(() => {})
    renameSync(sub, join(root, `moved-${round}`))
    symlinkSync(outside, sub)
    const after = folders.check(sub, `sub-${round}/after.bin`)

    await assert.rejects(after, isRefused, `round ${round}`)
    await Promise.allSettled([before])
  }
})

test('a folder swapped back to the checked one is accepted again', async (t) => {
  const root = await tempDir(t)
  const outside = await tempDir(t)
  const sub = join(root, 'sub')
  await mkdir(sub)
  const folders = createFolderGuard(root)
  await folders.check(sub, 'sub/first.bin')

  await rename(sub, join(root, 'moved'))
  await symlink(outside, sub)
  await assert.rejects(folders.check(sub, 'sub/second.bin'), isRefused)
  await rm(sub)
  await rename(join(root, 'moved'), sub)

  await folders.check(sub, 'sub/third.bin')
})
