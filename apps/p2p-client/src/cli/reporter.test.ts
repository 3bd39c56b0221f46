import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { createJsonReporter } from './reporter.ts'

/** A stream that records each write it was handed, as one string per write or writev. */
function recordingStream (): { out: Writable, writes: string[] } {
  const writes: string[] = []
  const out = new Writable({
    write (chunk: Buffer, _encoding, callback) { writes.push(chunk.toString()); callback() },
    writev (chunks, callback) { writes.push(chunks.map(({ chunk }) => String(chunk)).join('')); callback() }
  })
  return { out, writes }
}

test('JSON events reported in one turn go out in one write, in order, and later ones in a write of their own', async () => {
  const { out, writes } = recordingStream()
  const report = createJsonReporter(out)

  for (let n = 0; n < 3; n++) report({ event: 'error', code: 'INTERNAL_ERROR', message: `m${n}` })
  out.write('direct\n')
  await nextTurn()
  report({ event: 'error', code: 'INTERNAL_ERROR', message: 'later' })
  await nextTurn()

  assert.equal(writes.length, 2)
  assert.deepEqual(writes[0]?.split('\n').filter(line => line !== ''), [
    '{"event":"error","code":"INTERNAL_ERROR","message":"m0"}',
    '{"event":"error","code":"INTERNAL_ERROR","message":"m1"}',
    '{"event":"error","code":"INTERNAL_ERROR","message":"m2"}',
    'direct'
  ])
  assert.equal(writes[1], '{"event":"error","code":"INTERNAL_ERROR","message":"later"}\n')
})
