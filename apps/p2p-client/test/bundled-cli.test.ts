import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { BUILD_STAMP_FILE, pickEntry, type BuildStamp } from '../bin/pick-entry.ts'

const run = promisify(execFile)
const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build-cli.ts', import.meta.url))
/** Inside the package, as a real build is: the modules left out of the bundle resolve from node_modules. */
const BUILDS_DIR = fileURLToPath(new URL('../dist/', import.meta.url))

test('the CLI builds into one folder that runs, stamped with every source it was made from, and the bin picks it', async (t) => {
  await mkdir(BUILDS_DIR, { recursive: true })
  const dir = await mkdtemp(join(BUILDS_DIR, 'test-build-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const out = join(dir, 'cli')
  // What two earlier builds left: the last one's chunk (named in its stamp) is kept for a daemon
  // still running from it; the one before's goes.
  await mkdir(out)
  await writeFile(join(out, BUILD_STAMP_FILE), JSON.stringify({ version: 1, sources: [], files: ['last-build-chunk.js'] }))
  await writeFile(join(out, 'last-build-chunk.js'), 'export {}\n')
  await writeFile(join(out, 'older-build-chunk.js'), 'export {}\n')

  await run(process.execPath, [BUILD_SCRIPT, '--out', out], { timeout: 120_000 })

  const stamp = JSON.parse(await readFile(join(out, BUILD_STAMP_FILE), 'utf8')) as BuildStamp
  const paths = stamp.sources.map(source => source.path)
  assert.ok(paths.some(path => path.endsWith(join('src', 'cli', 'main.ts'))), 'the entry is stamped')
  assert.ok(paths.some(path => path.endsWith(join('packages', 'transfer', 'src', 'transfer-receiver.ts'))), 'workspace packages are stamped')
  assert.ok(paths.some(path => path.includes('node_modules')), 'dependencies are stamped')
  assert.deepEqual(await readdir(join(out, 'migrations')), ['001-create-transfers.sql'])
  const inPlace = await readdir(out)
  assert.ok(inPlace.includes('last-build-chunk.js') && !inPlace.includes('older-build-chunk.js'), inPlace.join(', '))
  assert.ok(stamp.files.length > 5 && stamp.files.every(name => inPlace.includes(name)), 'every chunk of the new build is in place')
  assert.deepEqual(await readdir(dir), ['cli'], 'no staging folder left')
  assert.deepEqual(pickEntry(out), { url: pathToFileURL(join(out, 'main.js')).href, bundled: true })

  const runBundledHelp = `const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'main.js')).href)});` +
    'process.exitCode = await main([\'--help\'], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env })'
  const help = await run(process.execPath, ['--input-type=module', '--eval', runBundledHelp], { timeout: 60_000 })
  assert.match(help.stdout, /^Usage:\n {2}p2p-client daemon/)
})

test('a build whose sources changed or vanished, or whose stamp is missing or damaged, is not run: the sources are', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'p2pft-stamp-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const source = join(dir, 'source.ts')
  await writeFile(source, 'export const a = 1\n')
  const stampFile = join(dir, BUILD_STAMP_FILE)
  const writeStamp = async (stamp: unknown): Promise<void> => { await writeFile(stampFile, JSON.stringify(stamp)) }
  const stampOf = async (): Promise<BuildStamp> => {
    const { ctimeMs, size } = await stat(source)
    return { version: 1, sources: [{ path: 'source.ts', ctimeMs, size }], files: [] }
  }
  const isBundled = (): boolean => pickEntry(dir).bundled

  assert.equal(isBundled(), false, 'no stamp')
  const fresh = await stampOf()
  await writeStamp(fresh)
  assert.equal(isBundled(), true, 'unchanged source')
  assert.match(pickEntry(dir).url, /\/main\.js$/)

  await writeStamp({ ...fresh, sources: [{ ...fresh.sources[0], size: 999 }] })
  assert.equal(isBundled(), false, 'size differs')

  // Same size, and the old mtime put back, as unpacking a package can: the ctime still moved.
  const { mtime } = await stat(source)
  await writeStamp(fresh)
  await new Promise(resolve => setTimeout(resolve, 20))
  await writeFile(source, 'export const a = 2\n')
  await utimes(source, mtime, mtime)
  assert.equal(isBundled(), false, 'rewritten with the same size and mtime')
  assert.match(pickEntry(dir).url, /\/src\/cli\/main\.ts$/)

  await writeStamp({ version: 1, sources: [{ path: 'gone.ts', ctimeMs: 1, size: 1 }] })
  assert.equal(isBundled(), false, 'a source was deleted')

  for (const damaged of ['{"version":1,"sources":[', '{"version":2,"sources":[]}', '{"version":1,"sources":[]}', '{"version":1,"sources":[{"path":"source.ts"}]}', 'null']) {
    await writeFile(stampFile, damaged)
    assert.equal(isBundled(), false, `stamp ${damaged}`)
  }
})
