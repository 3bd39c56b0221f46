import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { after, it } from 'node:test'
import { registeredClient, type SignalTestClient } from './signal-test-client.ts'

const bin = fileURLToPath(new URL('../bin/signal-server.js', import.meta.url))
const FLOOD_MESSAGES = 10_000
/** Messages sent per turn of the event loop, so the observer's pings in this same process keep flowing. */
const FLOOD_SLICE = 200

it('throttles a flood of 10,000 messages from one connection while another client keeps getting answers', async (t) => {
  const child = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', '0', '--no-relay'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const clients: SignalTestClient[] = []
  after(() => {
    for (const c of clients) c.close()
    if (child.exitCode == null) child.kill('SIGKILL')
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const [line] = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    once(child, 'exit').then(([code]) => { throw new Error(`exited with ${String(code)} before listening: ${stderr}`) })
  ])
  const { url } = JSON.parse(String(line)) as { url: string }

  const flooder = await registeredClient(url, { rooms: ['flood'] })
  // No automatic heartbeat on the observer: every pong it gets answers one of the pings timed below.
  const observer = await registeredClient(url, { rooms: ['flood'], heartbeatMs: 60_000 })
  clients.push(flooder, observer)

  const roundTripsMs: number[] = []
  let flooding = true
  const probing = (async () => {
    while (flooding) {
      const sentAt = performance.now()
      observer.send({ type: 'ping' })
      await observer.next('pong', 5_000)
      roundTripsMs.push(performance.now() - sentAt)
      await new Promise(resolve => setTimeout(resolve, 5))
    }
  })()

  for (let sent = 0; sent < FLOOD_MESSAGES; sent += FLOOD_SLICE) {
    for (let i = 0; i < FLOOD_SLICE; i++) flooder.send({ type: 'ping' })
    await new Promise(resolve => setImmediate(resolve))
  }
  // A marker sent once tokens have refilled reaches the observer only after the server has read the whole flood.
  await new Promise(resolve => setTimeout(resolve, 300))
  flooder.send({ type: 'signal', to: observer.peerId, payload: { marker: true } })
  assert.deepEqual((await observer.next('signal', 30_000)).payload, { marker: true })
  flooding = false
  await probing

  const pongs = flooder.received.filter(m => m.type === 'pong').length
  assert.ok(pongs < FLOOD_MESSAGES / 10, `the flood must be throttled, yet ${pongs} of ${FLOOD_MESSAGES} pings were answered`)
  assert.ok(flooder.received.some(m => m.type === 'error' && m.code === 'SIGNAL_RATE_LIMITED'))
  assert.ok(roundTripsMs.length > 0, 'the observer was answered during the flood')
  const sorted = [...roundTripsMs].sort((x, y) => x - y)
  const percentile = (p: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN).toFixed(2)
  t.diagnostic(`observer ping round trips during the flood: n=${sorted.length} median=${percentile(0.5)} ms p95=${percentile(0.95)} ms max=${percentile(1)} ms`)
  assert.equal(stderr, '', 'a throttled flood is not worth a warning')
})
