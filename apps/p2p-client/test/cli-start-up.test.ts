import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { P2P_CLIENT_BIN } from './support/json-process.ts'

const run = promisify(execFile)

test('p2p-client keeps its compiled sources in the user\'s cache folder, and starts again from them with the same output', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'p2pft-start-up-'))
  t.after(async () => { await rm(home, { recursive: true, force: true }) })
  // NODE_COMPILE_CACHE would turn a cache on by itself, so it is left out.
  const { NODE_COMPILE_CACHE: _ignored, ...env } = process.env
  const options = { env: { ...env, HOME: home, USERPROFILE: home, XDG_CACHE_HOME: join(home, 'cache'), LOCALAPPDATA: join(home, 'cache') }, timeout: 60_000 }

  const first = await run(process.execPath, [P2P_CLIENT_BIN, '--help'], options)
  const cached = (await readdir(home, { recursive: true })).filter(path => path.includes('compile-cache'))
  const second = await run(process.execPath, [P2P_CLIENT_BIN, '--help'], options)

  assert.ok(cached.length > 2, `compile cache entries: ${cached.join(', ')}`)
  assert.match(first.stdout, /^Usage:/)
  assert.equal(second.stdout, first.stdout)
  assert.equal(second.stderr, '')
})
