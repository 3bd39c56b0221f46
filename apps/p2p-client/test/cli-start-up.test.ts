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

/** Node flag that has each start of the process (before and after a re-exec) print its pid and malloc setting to stderr. */
const REPORT_START = `--import=data:text/javascript,process.stderr.write(\`start \${process.pid} \${process.env.MALLOC_MMAP_THRESHOLD_}\\n\`)`
const report: { header?: { glibcVersionRuntime?: string } } = process.report.getReport()
const isGlibcLinux = process.platform === 'linux' && report.header?.glibcVersionRuntime !== undefined

test('on Linux with glibc, p2p-client starts itself again once, in the same process, with malloc kept for reuse; a user\'s own setting wins', { skip: !isGlibcLinux }, async () => {
  const { MALLOC_MMAP_THRESHOLD_: _mmap, MALLOC_TRIM_THRESHOLD_: _trim, ...env } = process.env
  const starts = (stderr: string): string[] => stderr.split('\n').filter(line => line.startsWith('start '))

  const plain = await run(process.execPath, [REPORT_START, P2P_CLIENT_BIN, '--help'], { env, timeout: 60_000 })
  const [first, second, ...more] = starts(plain.stderr).map(line => line.split(' '))
  assert.match(plain.stdout, /^Usage:/)
  assert.deepEqual(more, [])
  assert.equal(first?.[2], 'undefined')
  assert.equal(second?.[2], '33554432')
  assert.equal(second?.[1], first?.[1])

  const own = await run(process.execPath, [REPORT_START, P2P_CLIENT_BIN, '--help'], { env: { ...env, MALLOC_MMAP_THRESHOLD_: '1048576' }, timeout: 60_000 })
  assert.deepEqual(starts(own.stderr).map(line => line.split(' ')[2]), ['1048576'])
  assert.match(own.stdout, /^Usage:/)
})
