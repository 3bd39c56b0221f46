import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createDaemonClient, tokenFromLocation, type DaemonClient } from '@p2pft/daemon-client'
import type { StateResponse } from '@p2pft/protocol'
import { peerFingerprint } from '../src/pairing/peer-fingerprint.ts'
import { LOOPBACK_CLIENT_ENV, P2P_CLIENT_BIN, spawnJsonProcess, startSignalServer, type JsonProcess } from './support/json-process.ts'
import { makeTempDir } from './support/test-files.ts'

interface Daemon { process: JsonProcess, api: DaemonClient, downloads: string, dataDir: string }

/** Polls the daemon's state until `check` holds (presence and pair tags settle within a few seconds). */
async function waitForState (api: DaemonClient, check: (state: StateResponse) => boolean, what: string, timeoutMs = 20_000): Promise<StateResponse> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const state = await api.state()
    if (check(state)) return state
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify({ peers: state.peers, devices: state.devices, transfers: state.transfers })}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

describe('pairing from the command line, then trust in two real daemons (real server, loopback)', () => {
  let work: { path: string, cleanup: () => Promise<void> }
  let server: JsonProcess
  let serverUrl: string
  const running: JsonProcess[] = []
  const dataDirOf = (name: string): string => join(work.path, `${name}-data`)

  const cli = (name: string, args: string[]): JsonProcess => {
    const child = spawnJsonProcess(P2P_CLIENT_BIN, { args: [...args, '--json', '--data-dir', dataDirOf(name)], env: LOOPBACK_CLIENT_ENV })
    running.push(child)
    return child
  }

  const startDaemon = async (name: string): Promise<Daemon> => {
    const downloads = join(work.path, `${name}-downloads`)
    const child = cli(name, ['daemon', '--no-gui', '--name', name, '--server', serverUrl, '--download-dir', downloads])
    const gui = await child.waitFor(e => e.event === 'gui')
    await child.waitFor(e => e.event === 'listening')
    const url = new URL(String(gui.url))
    const token = tokenFromLocation(url)
    assert.ok(token !== undefined)
    return { process: child, api: createDaemonClient({ baseUrl: url.origin, token }), downloads, dataDir: dataDirOf(name) }
  }

  let alicePeerId = ''
  let bobPeerId = ''
  let alice: Daemon
  let bob: Daemon

  before(async () => {
    work = await makeTempDir('pairing')
    ;({ process: server, url: serverUrl } = await startSignalServer())
  })

  after(async () => {
    await Promise.all(running.map(async child => await child.stop()))
    await server?.stop()
    await work?.cleanup()
  })

  test('`pair` shows a code, `pair CODE` on the other device pairs both, and each shows the other\'s fingerprint', async () => {
    const opener = cli('alice', ['pair', '--server', serverUrl, '--name', 'Alice'])
    const shown = await opener.waitFor(e => e.event === 'pairing-code')
    assert.match(String(shown.code), /^\d{3}-\d{3}-\d{3}$/)
    const joiner = cli('bob', ['pair', String(shown.code), '--server', serverUrl, '--name', 'Bob'])
    const [atAlice, atBob] = await Promise.all([opener.waitFor(e => e.event === 'paired'), joiner.waitFor(e => e.event === 'paired')])
    assert.equal(await opener.exited, 0)
    assert.equal(await joiner.exited, 0)
    assert.equal(atAlice.name, 'Bob')
    assert.equal(atBob.name, 'Alice')
    bobPeerId = String(atAlice.peerId)
    alicePeerId = String(atBob.peerId)
    assert.equal(atAlice.fingerprint, peerFingerprint(bobPeerId))
    assert.match(String(atAlice.fingerprint), /^[a-z]+( [a-z]+){4}$/)
  })

  test('keys, trust store and data dir are private (0600 files, 0700 dir)', async () => {
    for (const name of ['alice', 'bob']) {
      const dir = dataDirOf(name)
      assert.equal((await stat(dir)).mode & 0o777, 0o700, `${name} data dir`)
      for (const file of ['identity.key', 'devices.json']) assert.equal((await stat(join(dir, file))).mode & 0o777, 0o600, `${name} ${file}`)
    }
    const stored = JSON.parse(await readFile(join(dataDirOf('alice'), 'devices.json'), 'utf8')) as { devices: Array<{ peerId: string, pairTag: string }> }
    const storedAtBob = JSON.parse(await readFile(join(dataDirOf('bob'), 'devices.json'), 'utf8')) as { devices: Array<{ peerId: string, pairTag: string }> }
    assert.equal(stored.devices[0]?.peerId, bobPeerId)
    assert.equal(stored.devices[0]?.pairTag, storedAtBob.devices[0]?.pairTag)
  })

  test('`devices` lists the paired device with its fingerprint', async () => {
    const listing = cli('alice', ['devices'])
    const device = await listing.waitFor(e => e.event === 'device')
    assert.equal(device.peerId, bobPeerId)
    assert.equal(device.paired, true)
    assert.equal(device.fingerprint, peerFingerprint(bobPeerId))
  })

  test('paired daemons see each other through the signal server as "paired", and the history file is private', async () => {
    ;[alice, bob] = await Promise.all([startDaemon('alice'), startDaemon('bob')])
    const state = await waitForState(alice.api, s => s.peers.some(p => p.peerId === bobPeerId && p.via.includes('paired')), 'Bob as a paired peer')
    const peer = state.peers.find(p => p.peerId === bobPeerId)
    assert.equal(peer?.paired, true)
    assert.equal(peer?.fingerprint, peerFingerprint(bobPeerId))
    assert.equal((await stat(join(alice.dataDir, 'history.sqlite'))).mode & 0o777, 0o600)
  })

  test('with the "paired" policy, an offer from the paired device is accepted without asking', async () => {
    await alice.api.updateSettings({ autoAccept: 'paired' })
    const source = join(work.path, 'hello.txt')
    await writeFile(source, 'hello from a paired device\n')
    await bob.api.send(alicePeerId, [source])
    await waitForState(alice.api, s => s.transfers.some(t => t.direction === 'receive' && t.status === 'completed'), 'the received transfer')
    assert.equal(await readFile(join(alice.downloads, 'hello.txt'), 'utf8'), 'hello from a paired device\n')
  })

  test('a blocked device is hidden, and its offers are dropped silently: no prompt, nothing written', async () => {
    const block = cli('alice', ['block', bobPeerId])
    assert.equal((await block.waitFor(e => e.event === 'block')).peerId, bobPeerId)
    const state = await waitForState(alice.api, s => !s.peers.some(p => p.peerId === bobPeerId), 'Bob hidden')
    assert.equal(state.devices.find(d => d.peerId === bobPeerId)?.blocked, true)
    const offersBefore = alice.process.events.filter(e => e.event === 'offer').length
    const source = join(work.path, 'unwanted.txt')
    await writeFile(source, 'should never arrive\n')
    const { id } = await bob.api.send(alicePeerId, [source])
    await waitForState(bob.api, s => s.transfers.some(t => t.id === id && (t.status === 'paused' || t.status === 'failed')), 'Bob\'s send to stop')
    await bob.api.cancel(id)
    assert.deepEqual((await readdir(alice.downloads)).sort(), ['hello.txt'])
    assert.equal(alice.process.events.filter(e => e.event === 'offer').length, offersBefore)
    assert.deepEqual((await alice.api.state()).offers, [])
  })

  test('unblocking shows the device again; unpairing removes "paired" on both sides', async () => {
    await alice.api.unblockDevice(bobPeerId)
    await waitForState(alice.api, s => s.peers.some(p => p.peerId === bobPeerId && p.paired), 'Bob back')
    await alice.api.unpairDevice(bobPeerId)
    const state = await waitForState(alice.api, s => s.devices.every(d => d.peerId !== bobPeerId), 'Bob forgotten')
    assert.equal(state.peers.find(p => p.peerId === bobPeerId)?.paired, false)
    // Alice no longer offers the tag, so the server stops matching them as paired.
    await waitForState(bob.api, s => s.peers.some(p => p.peerId === alicePeerId && !p.via.includes('paired')), 'Alice no longer "paired" at Bob')
  })
})
