/**
 * One end of the libp2p stack baseline: TCP + TLS 1.3 + yamux, the stack p2p-client uses
 * on a direct connection, without hashing, chunk framing or verdicts: what the stack
 * costs on its own (plain Node streams, default V8 settings). `receive` listens on
 * 127.0.0.1, writes one stream to --out and prints `{"event":"done","durationMs"}` (stream
 * opened → file closed); `send --addr MULTIADDR --file F` streams the file in 1 MiB reads.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { tls } from '@libp2p/tls'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { isUint8ArrayList } from 'uint8arraylist'
import { PIPE_READ_BUFFER_BYTES } from '../constants.ts'

const PROTOCOL = '/p2pft-bench/stack/1.0.0'
/** Room for a paused stream: yamux may deliver up to its 16 MiB window after pause (default cap 4 MB resets it). */
const MAX_READ_BUFFER_BYTES = 32 * 1024 * 1024
/** Received bytes the file stream may hold before the stream is paused. */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024

const { values, positionals } = parseArgs({ allowPositionals: true, options: { addr: { type: 'string' }, file: { type: 'string' }, out: { type: 'string' } } })
const print = (event: Record<string, unknown>): void => { process.stdout.write(JSON.stringify(event) + '\n') }
const node = await createLibp2p({
  addresses: { listen: positionals[0] === 'receive' ? ['/ip4/127.0.0.1/tcp/0'] : [] },
  transports: [tcp()],
  connectionEncrypters: [tls()],
  streamMuxers: [yamux()],
  connectionMonitor: { enabled: false }
})

if (positionals[0] === 'receive') await receive(required(values.out, '--out'))
else if (positionals[0] === 'send') await send(required(values.file, '--file'), required(values.addr, '--addr'))
else throw new Error('usage: libp2p-endpoint.ts receive --out FILE | send --addr MULTIADDR --file FILE')

async function receive (outPath: string): Promise<void> {
  await node.handle(PROTOCOL, async (stream: Stream) => {
    const startedAt = performance.now()
    stream.maxReadBufferLength = MAX_READ_BUFFER_BYTES
    // Pausing the stream on every 16 KiB (the default) would cost more than the data; a few MiB keeps it rare.
    const out = createWriteStream(outPath, { highWaterMark: WRITE_BUFFER_BYTES })
    let resuming = false
    const pauseIfBehind = (): void => { if (out.writableNeedDrain && stream.readStatus === 'readable') stream.pause() }
    stream.addEventListener('message', (event) => {
      for (const data of isUint8ArrayList(event.data) ? event.data : [event.data]) out.write(data)
      if (!resuming) pauseIfBehind()
    })
    out.on('drain', () => {
      if (stream.readStatus !== 'paused') return
      // resume() emits what was buffered and only then re-opens the yamux window: pausing
      // inside it would leave the window open (the bug p2p-client's adapter works around).
      resuming = true
      stream.resume()
      resuming = false
      pauseIfBehind()
    })
    // A reset also ends the stream: fail loudly rather than report a short file as done.
    stream.addEventListener('close', (event) => {
      if (event.error === undefined) return
      process.stderr.write(`stream failed: ${String(event.error)}\n`)
      process.exit(1)
    })
    // 'end', not 'remoteCloseWrite': data buffered while paused is still to come after the latter.
    await once(stream, 'end')
    out.end()
    await once(out, 'close')
    print({ event: 'done', durationMs: performance.now() - startedAt })
    await stream.close()
    await node.stop()
  })
  print({ event: 'listening', addr: node.getMultiaddrs()[0]?.toString() })
}

async function send (filePath: string, addr: string): Promise<void> {
  const stream = await node.dialProtocol(multiaddr(addr), PROTOCOL)
  for await (const data of createReadStream(filePath, { highWaterMark: PIPE_READ_BUFFER_BYTES })) {
    stream.send(data as Buffer)
    // Events rather than onDrain(), whose promise stays resolved after the first drain
    // (libp2p utils 7.4), and only while bytes wait (yamux sends 'drain' only then); a
    // queue that empties says so with 'idle'.
    while (stream.writeBufferLength > 0 && stream.writableNeedsDrain) await drainedOrIdle(stream)
  }
  // No stop(): what is still in flight would be cut. The receiver closes the connection
  // once the file is on disk, and this process then ends by itself.
  await stream.close()
}

async function drainedOrIdle (stream: Stream): Promise<void> {
  const controller = new AbortController()
  try {
    await Promise.race(['drain', 'idle', 'close'].map(async (name) => await once(stream, name, { signal: controller.signal })))
  } finally {
    controller.abort()
  }
}

function required (value: string | undefined, flag: string): string {
  if (value === undefined) throw new Error(`${flag} is required`)
  return value
}
