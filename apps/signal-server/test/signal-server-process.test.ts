import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { after, it } from 'node:test'
import { registeredClient } from './signal-test-client.ts'

const bin = fileURLToPath(new URL('../bin/signal-server.js', import.meta.url))

it('runs as a process: prints the listening line, serves /healthz and exits 0 on SIGTERM', async () => {
  const child = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', '0', '--relay-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  after(() => { if (child.exitCode == null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = once(child, 'exit')

  const [line] = await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    exited.then(([code]) => { throw new Error(`exited with ${String(code)} before listening: ${stderr}`) })
  ])
  const listening = JSON.parse(String(line)) as { event: string, url: string, relay: { peerId: string, tcpPort: number, multiaddrs: string[] } }
  assert.equal(listening.event, 'listening')
  assert.match(listening.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.match(listening.relay.peerId, /^12D3KooW/)
  assert.ok(listening.relay.multiaddrs.some(ma => ma.includes(`/tcp/${listening.relay.tcpPort}/`)))

  const health = await fetch(`${listening.url}/healthz`)
  assert.equal(health.status, 200)
  const body = await health.json() as { status: string, peers: number, relay: { peerId: string } }
  assert.equal(body.status, 'ok')
  assert.equal(body.peers, 0)
  assert.equal(body.relay.peerId, listening.relay.peerId)

  const client = await registeredClient(listening.url)
  assert.equal(client.hello.relay?.tcpPort, listening.relay.tcpPort)

  const stoppingAt = Date.now()
  child.kill('SIGTERM')
  const [code] = await exited
  assert.equal(code, 0, stderr)
  assert.ok(Date.now() - stoppingAt < 5_000)
  assert.equal((await client.closed).code, 1001)
  assert.equal(stderr, '', 'quiet by default')
})
