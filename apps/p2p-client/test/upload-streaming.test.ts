import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createDaemonClient, type DaemonClient } from '@p2pft/daemon-client'
import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN, spawnJsonProcess, startSignalServer, type JsonProcess } from './support/json-process.ts'
import { makeTempDir } from './support/test-files.ts'

const MIB = 1024 * 1024

interface Daemon { process: JsonProcess, api: DaemonClient, origin: string, token: string }

describe('dropped files are sent on while they are still being uploaded to the daemon', () => {
  let work: { path: string, cleanup: () => Promise<void> }
  let server: JsonProcess
  let alice: Daemon
  let bob: Daemon
  const running: JsonProcess[] = []

  const startDaemon = async (name: string, serverUrl: string, extra: string[] = []): Promise<Daemon> => {
    const child = spawnJsonProcess(P2P_CLIENT_BIN, {
      args: ['daemon', '--no-gui', '--json', '--name', name, '--server', serverUrl, '--data-dir', join(work.path, `${name}-data`), '--download-dir', join(work.path, `${name}-downloads`), ...extra],
      env: { ...LOOPBACK_CLIENT_ENV, DISPLAY: '', WAYLAND_DISPLAY: '' }
    })
    running.push(child)
    const gui = new URL(String((await child.waitFor(e => e.event === 'gui')).url))
    await child.waitFor(e => e.event === 'listening')
    const token = new URLSearchParams(gui.hash.slice(1)).get('token') ?? ''
    return { process: child, api: createDaemonClient({ baseUrl: gui.origin, token }), origin: gui.origin, token }
  }

  before(async () => {
    work = await makeTempDir('upload-streaming')
    const started = await startSignalServer()
    server = started.process
    ;[alice, bob] = await Promise.all([startDaemon('Alice', started.url), startDaemon('Bob', started.url, ['--auto-accept'])])
  })

  after(async () => {
    await Promise.all(running.map(async child => await child.stop('SIGKILL')))
    await server?.stop()
    await work?.cleanup()
  })

  test('the receiver gets the first bytes while the rest of the upload is held back, and the files arrive intact', async () => {
    let bobPeerId: string | undefined
    for (let i = 0; i < 200 && bobPeerId === undefined; i++) {
      bobPeerId = (await alice.api.state()).peers.find(peer => peer.name === 'Bob')?.peerId
      if (bobPeerId === undefined) await new Promise(resolve => setTimeout(resolve, 100))
    }
    assert.ok(bobPeerId !== undefined, 'Bob is online')
    const first = randomBytes(24 * MIB)
    const second = randomBytes(8 * MIB)
    const files = [{ path: 'drop/first.bin', size: first.byteLength }, { path: 'drop/second.bin', size: second.byteLength }]

    // The page's upload, with the second half held back until the receiver has seen bytes.
    const release = Promise.withResolvers<void>()
    const body = new ReadableStream<Uint8Array>({
      async start (controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(files) + '\n'))
        controller.enqueue(first)
        await release.promise
        controller.enqueue(second)
        controller.close()
      }
    })
    const upload = fetch(`${alice.origin}/v1/transfers/upload?to=${encodeURIComponent(bobPeerId)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half'
    } as RequestInit)

    // Progress is reported a few times a second: a fast link may finish the first file before that.
    const received = await bob.process.waitFor(e => (e.event === 'progress' && e.direction === 'receive' && Number(e.bytes) > 0) || e.event === 'file-complete', 60_000)
    if (received.event === 'progress') assert.ok(Number(received.bytes) <= first.byteLength, 'only bytes of the part uploaded so far were sent')
    else assert.equal(received.path, 'drop/first.bin')
    assert.equal(bob.process.events.some(e => e.event === 'done'), false)
    release.resolve()

    const answer = await upload
    assert.equal(answer.status, 202, await answer.clone().text())
    await bob.process.waitFor(e => e.event === 'done' && e.direction === 'receive', 60_000)
    const downloads = join(work.path, 'Bob-downloads', 'drop')
    assert.deepEqual((await readdir(downloads)).sort(), ['first.bin', 'second.bin'])
    assert.ok((await readFile(join(downloads, 'first.bin'))).equals(first))
    assert.ok((await readFile(join(downloads, 'second.bin'))).equals(second))
    // Sent and done: its staged copy is gone.
    for (let i = 0; i < 50 && (await readdir(join(work.path, 'Alice-data', 'uploads')).catch(() => [])).length > 0; i++) await new Promise(resolve => setTimeout(resolve, 100))
    assert.deepEqual(await readdir(join(work.path, 'Alice-data', 'uploads')).catch(() => []), [])
  })
})
