import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { P2P_CLIENT_BIN, spawnJsonProcess } from './support/json-process.ts'
import { createLanPair, namespaceUnavailableReason, type LanPair } from './support/network-namespaces.ts'
import { describeTree, makeTempDir, writeRandomFile } from './support/test-files.ts'

// mDNS multicasts on every interface, so this test runs only on a private link between
// two namespaces it creates; it is skipped (with the reason) where that is impossible.
const skipReason = await namespaceUnavailableReason()

let lan: LanPair
let work: { path: string, cleanup: () => Promise<void> }

before(async () => {
  if (skipReason !== undefined) return
  lan = await createLanPair()
  work = await makeTempDir('lan')
})

after(async () => {
  await lan?.destroy()
  await work?.cleanup()
})

test('two clients with no server find each other by mDNS and transfer', { skip: skipReason }, async () => {
  const downloads = join(work.path, 'downloads')
  const receiver = spawnJsonProcess(P2P_CLIENT_BIN, {
    wrapper: ['ip', 'netns', 'exec', lan.a],
    args: ['receive', '--name', 'LanBob', '--yes', '--once', '--json', '--data-dir', join(work.path, 'bob'), '--dir', downloads],
    env: { P2PFT_SERVER: '' }
  })
  await receiver.waitFor(e => e.event === 'listening')
  const source = join(work.path, 'lan.bin')
  await writeRandomFile(source, 8 * 1024 * 1024)
  const sender = spawnJsonProcess(P2P_CLIENT_BIN, {
    wrapper: ['ip', 'netns', 'exec', lan.b],
    args: ['send', '--to', 'LanBob', '--wait', '60', '--json', '--verbose', '--data-dir', join(work.path, 'alice'), source],
    env: { P2PFT_SERVER: '' }
  })
  assert.equal(await sender.exited, 0, JSON.stringify(sender.events) + sender.stderr())
  assert.equal(await receiver.exited, 0, receiver.stderr())
  const connection = sender.events.find(e => e.event === 'connection')
  assert.equal(connection?.type, 'direct')
  assert.equal(connection?.route, 'lan')
  assert.match(String(connection?.remoteAddr), new RegExp(`/ip4/${lan.addressA.replaceAll('.', '\\.')}/tcp/`))
  const received = await describeTree(downloads)
  const sent = await describeTree(work.path)
  assert.equal(received.get('lan.bin'), sent.get('lan.bin'))
})
