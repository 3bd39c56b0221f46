import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { assertSameTree, describeTree } from './tree-digest.ts'

test('a copy with one flipped byte, a missing or an extra file fails loudly', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-bench-digest-'))
  try {
    await writeFile(join(dir, 'a.bin'), 'hello')
    const expected = await describeTree(dir)
    await assertSameTree(expected, dir, 'same')

    await writeFile(join(dir, 'a.bin'), 'hellp')
    await assert.rejects(assertSameTree(expected, dir, 'flipped'), /a\.bin arrived corrupt/)
    await writeFile(join(dir, 'a.bin'), 'hello')
    await writeFile(join(dir, 'b.bin'), '')
    await assert.rejects(assertSameTree(expected, dir, 'extra'), /unexpected b\.bin/)
    await rm(join(dir, 'a.bin'))
    await assert.rejects(assertSameTree(expected, dir, 'missing'), /a\.bin is missing/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
