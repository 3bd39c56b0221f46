import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DaemonClient } from '@p2pft/daemon-client'
import { startDaemon } from './support/daemon-fixture.ts'
import { freePort } from './support/fault-harness.ts'
import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN } from './support/json-process.ts'
import { openTestBed, spawnClient, type TestBed } from './support/test-bed.ts'
import { hashFile, writeRandomFile } from './support/test-files.ts'

/** Runs a CLI command to its end; stdout and stderr as text. */
async function runCli (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [P2P_CLIENT_BIN, ...args], { env: { ...process.env, ...LOOPBACK_CLIENT_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (data: Buffer) => { stdout += data.toString() })
  child.stderr.on('data', (data: Buffer) => { stderr += data.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/** The events a one-file `send --json` prints besides progress and connection, in order: in-process and through the daemon alike. */
const SEND_EVENTS = ['accepted', 'file-complete', 'done']
const eventNames = (events: Array<Record<string, unknown>>): unknown[] => [...new Set(events.map(e => e.event))].filter(name => name !== 'progress' && name !== 'connection')

const jsonLines = (text: string): Array<Record<string, unknown>> => text.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as Record<string, unknown>)

describe('send and peers go through the running daemon of the same data dir, and work alone without one', () => {
  let bed: TestBed
  let api: DaemonClient
  let daemonData: string
  let downloads: string
  let bobPeerId: string

  before(async () => {
    bed = await openTestBed('cli-daemon')
    downloads = join(bed.path, 'bob-downloads')
    const bob = spawnClient(bed, ['receive', '--name', 'Bob', '--yes', '--data-dir', join(bed.path, 'bob-data'), '--dir', downloads])
    const daemon = await startDaemon(bed, { name: 'Alice' })
    daemonData = daemon.dataDir
    api = daemon.api
    bobPeerId = String((await bob.waitFor(e => e.event === 'listening')).peerId)
    for (let i = 0; i < 300 && !(await api.state()).peers.some(peer => peer.peerId === bobPeerId); i++) await new Promise(resolve => setTimeout(resolve, 100))
  })

  after(async () => {
    await bed?.close()
  })

  test('the daemon\'s endpoint file (URL and token) is readable by its owner only', async () => {
    const info = await stat(join(daemonData, 'daemon.json'))
    assert.equal(info.mode & 0o777, 0o600)
  })

  test('peers lists what the daemon sees (the command has no --server of its own), in JSON and in words', async () => {
    const json = await runCli(['peers', '--data-dir', daemonData, '--json'])
    assert.equal(json.code, 0, json.stderr)
    assert.deepEqual(jsonLines(json.stdout).map(e => [e.event, e.name, e.peerId]), [['peer-online', 'Bob', bobPeerId]])
    const human = await runCli(['peers', '--data-dir', daemonData])
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stdout, new RegExp(`^\\+ Bob  ${bobPeerId}  \\(`, 'm'))
  })

  test('send through the daemon prints the transfer\'s events, exits 0 once verified, and the daemon lists the transfer', async () => {
    const source = join(bed.path, 'via-daemon.bin')
    await writeRandomFile(source, 3 * 1024 * 1024)
    const result = await runCli(['send', '--to', 'Bob', '--data-dir', daemonData, '--json', source])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    const events = jsonLines(result.stdout)
    assert.deepEqual(eventNames(events), SEND_EVENTS)
    assert.equal(events.at(-1)?.event, 'done')
    assert.equal(events.at(-1)?.bytes, 3 * 1024 * 1024)
    assert.equal(await hashFile(join(downloads, 'via-daemon.bin')), await hashFile(source))
    const listed = (await api.state()).transfers.find(transfer => transfer.names[0] === 'via-daemon.bin')
    assert.equal(listed?.status, 'completed', 'the daemon did the sending')
  })

  test('a failed send through the daemon exits 1 with one readable line, as in-process', async () => {
    const source = join(bed.path, 'nobody.txt')
    await writeFile(source, 'hello')
    const human = await runCli(['send', '--to', 'Nobody', '--wait', '1', '--data-dir', daemonData, source])
    assert.equal(human.code, 1)
    assert.match(human.stderr, /^p2p-client: [^\n]*"Nobody"[^\n]* \[TRANSFER_PEER_NOT_FOUND\]\n$/)
    const json = await runCli(['send', '--to', 'Bob', '--data-dir', daemonData, '--json', join(bed.path, 'missing.txt')])
    assert.equal(json.code, 1)
    assert.equal(jsonLines(json.stdout).at(-1)?.code, 'TRANSFER_SOURCE_NOT_FOUND')
  })

  test('send through the daemon gives up after --retry-for while the transfer stays paused in the daemon', async () => {
    const carol = spawnClient(bed, ['receive', '--name', 'Carol', '--yes', '--data-dir', join(bed.path, 'carol-data'), '--dir', join(bed.path, 'carol-downloads')])
    const carolPeerId = String((await carol.waitFor(e => e.event === 'listening')).peerId)
    for (let i = 0; i < 300 && !(await api.state()).peers.some(peer => peer.peerId === carolPeerId); i++) await new Promise(resolve => setTimeout(resolve, 100))
    const source = join(bed.path, 'for-carol.bin')
    await writeRandomFile(source, 512 * 1024 * 1024)
    const send = spawnClient(bed, ['send', '--to', 'Carol', '--retry-for', '2', '--data-dir', daemonData, source])
    await send.waitFor(e => e.event === 'progress')
    await carol.stop('SIGKILL')
    assert.equal(await send.exited, 1, send.stderr())
    const failure = send.events.at(-1)
    assert.equal(failure?.event, 'error')
    assert.match(String(failure?.message), /still paused after 2 s \(the daemon keeps retrying/)
    const kept = (await api.state()).transfers.find(transfer => transfer.names[0] === 'for-carol.bin')
    assert.equal(kept?.status, 'paused', 'the daemon keeps the transfer to resume it')
    if (kept !== undefined) await api.cancel(kept.id)
  })

  test('a stale endpoint file (its daemon does not answer) makes send work in-process', async () => {
    const staleData = join(bed.path, 'stale-data')
    await mkdir(staleData, { recursive: true })
    const deadPort = await freePort()
    // A live pid (this test's), so only the unanswered request shows the daemon is gone.
    await writeFile(join(staleData, 'daemon.json'), JSON.stringify({ url: `http://127.0.0.1:${deadPort}`, token: 'x'.repeat(43), pid: process.pid }), { mode: 0o600 })
    const source = join(bed.path, 'in-process.bin')
    await writeRandomFile(source, 256 * 1024)
    const result = await runCli(['send', '--to', 'Bob', '--server', bed.serverUrl, '--data-dir', staleData, '--json', source])
    assert.equal(result.code, 0, result.stderr + result.stdout)
    assert.deepEqual(eventNames(jsonLines(result.stdout)), SEND_EVENTS)
    assert.ok((await readdir(downloads)).includes('in-process.bin'))
    assert.equal((await api.state()).transfers.some(transfer => transfer.names[0] === 'in-process.bin'), false, 'the daemon was not involved')
  })
})
