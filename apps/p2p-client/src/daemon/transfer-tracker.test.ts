import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createTransferTracker, topLevelNames } from './transfer-tracker.ts'

const PEER = { peerId: '12D3KooWPeerPeerPeerPeerPeerPeerPeerPeerPeer', name: 'Bob' }

test('a send goes from connecting to waiting, transferring and completed, once into history', () => {
  let nowMs = 1000
  const tracker = createTransferTracker(() => nowMs)
  tracker.startSend({ id: 's1', peer: PEER, names: ['a.bin'], fileCount: 1, totalBytes: 0, status: 'connecting' })
  tracker.apply('s1', { event: 'connection', peer: PEER, type: 'relayed', transport: 'tcp/circuit-relay', remoteAddr: '/x' })
  assert.equal(tracker.get('s1')?.status, 'waiting')
  tracker.apply('s1', { event: 'accepted', transferId: 'engine-id-1', peer: PEER })
  tracker.apply('s1', { event: 'progress', transferId: 'engine-id-1', direction: 'send', bytes: 50, total: 100, bytesPerSecond: 10, etaSeconds: 5 })
  assert.deepEqual({ ...tracker.get('s1') }, {
    id: 's1', direction: 'send', peer: PEER, names: ['a.bin'], status: 'transferring', bytes: 50, totalBytes: 100,
    bytesPerSecond: 10, etaSeconds: 5, startedAtMs: 1000, transferId: 'engine-id-1', connection: 'relayed'
  })
  nowMs = 3000
  const record = tracker.apply('s1', { event: 'done', transferId: 'engine-id-1', direction: 'send', files: 1, bytes: 100, durationMs: 1500 })
  assert.equal(record?.result, 'completed')
  assert.equal(record?.durationMs, 1500)
  assert.equal(record?.totalBytes, 100)
  assert.equal(tracker.finish('s1', 'completed'), undefined, 'finished only once')
})

test('a receive starts from the offer; a decline and an error end it with the reason', () => {
  const tracker = createTransferTracker(() => 0)
  tracker.startReceive({ event: 'offer', transferId: 'r1abcdef', from: PEER, files: [{ path: 'photos/a.jpg', kind: 'file', size: 5, mtimeMs: 0 }, { path: 'photos', kind: 'directory', size: 0, mtimeMs: 0 }], fileCount: 1, totalBytes: 5 }, 'direct')
  assert.deepEqual(tracker.get('r1abcdef')?.names, ['photos'])
  const declined = tracker.apply('r1abcdef', { event: 'declined', transferId: 'r1abcdef', peer: PEER, code: 'TRANSFER_DECLINED', message: 'no thanks' })
  assert.deepEqual([declined?.result, declined?.errorMessage], ['declined', 'no thanks'])

  tracker.startReceive({ event: 'offer', transferId: 'r2abcdef', from: PEER, files: [], fileCount: 0, totalBytes: 0 }, undefined)
  const failed = tracker.apply('r2abcdef', { event: 'error', transferId: 'r2abcdef', code: 'TRANSFER_PEER_GONE', message: 'gone' })
  assert.equal(failed?.result, 'failed')
  tracker.startReceive({ event: 'offer', transferId: 'r3abcdef', from: PEER, files: [], fileCount: 0, totalBytes: 0 }, undefined)
  assert.equal(tracker.apply('r3abcdef', { event: 'error', transferId: 'r3abcdef', code: 'TRANSFER_CANCELLED', message: 'x' })?.result, 'cancelled')
})

test('finished transfers leave the live list after a while', () => {
  let nowMs = 0
  const tracker = createTransferTracker(() => nowMs)
  tracker.startSend({ id: 'old', peer: PEER, names: ['x'], fileCount: 1, totalBytes: 1, status: 'connecting' })
  tracker.finish('old', 'failed', { code: 'TRANSFER_DIAL_FAILED', message: 'no route' })
  tracker.startSend({ id: 'live', peer: PEER, names: ['y'], fileCount: 1, totalBytes: 1, status: 'connecting' })
  nowMs = 60 * 60_000
  assert.deepEqual(tracker.list().map(view => view.id), ['live'])
})

test('top-level names list each folder once', () => {
  assert.deepEqual(topLevelNames(['a/b.txt', 'a/c.txt', 'd.txt', 'a']), ['a', 'd.txt'])
})

test('a lost connection pauses a send with its reason; progress brings it back to transferring', () => {
  const tracker = createTransferTracker(() => 0)
  tracker.startSend({ id: 's2', peer: PEER, names: ['a.bin'], fileCount: 1, totalBytes: 100, status: 'connecting' })
  tracker.apply('s2', { event: 'accepted', transferId: 'engine-id-2', peer: PEER })
  tracker.apply('s2', { event: 'retrying', transferId: 'engine-id-2', attempt: 1, inMs: 1000, reason: { code: 'TRANSFER_PEER_GONE', message: 'the connection ended' } })
  assert.equal(tracker.get('s2')?.status, 'paused')
  assert.deepEqual(tracker.get('s2')?.error, { code: 'TRANSFER_PEER_GONE', message: 'the connection ended' })
  tracker.apply('s2', { event: 'connection', peer: PEER, type: 'direct', transport: 'tcp', remoteAddr: '/x' })
  tracker.apply('s2', { event: 'progress', transferId: 'engine-id-2', direction: 'send', bytes: 60, total: 100, bytesPerSecond: 10, etaSeconds: 4 })
  assert.equal(tracker.get('s2')?.status, 'transferring')
  assert.equal(tracker.get('s2')?.error, undefined)
})

test('a send restored from an earlier run is stopped and resumable; restart and discard change it once', () => {
  let nowMs = 5000
  const tracker = createTransferTracker(() => nowMs)
  tracker.restoreSend({ id: 's3', peer: PEER, names: ['a.bin'], fileCount: 1, totalBytes: 100, startedAtMs: 1000, error: { code: 'TRANSFER_INTERRUPTED', message: 'stopped' } })
  assert.equal(tracker.get('s3')?.status, 'failed')
  assert.equal(tracker.get('s3')?.resumable, true)
  nowMs += 24 * 60 * 60_000
  assert.equal(tracker.list().length, 1, 'a resumable send stays listed')
  assert.equal(tracker.restart('s3'), true)
  assert.equal(tracker.get('s3')?.status, 'connecting')
  assert.equal(tracker.get('s3')?.resumable, undefined)
  assert.equal(tracker.restart('s3'), false, 'a running send cannot be restarted')
  tracker.apply('s3', { event: 'error', code: 'TRANSFER_PEER_NOT_FOUND', message: 'gone' })
  tracker.setResumable('s3', true)
  tracker.discard('s3')
  assert.equal(tracker.get('s3')?.status, 'cancelled')
  assert.equal(tracker.get('s3')?.resumable, undefined)
})
