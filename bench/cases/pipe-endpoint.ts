/**
 * One end of the raw TCP or TLS 1.3 pipe baseline, run as its own process so it is measured
 * like our client. `receive` listens on 127.0.0.1, accepts one connection, writes it to
 * --out and prints `{"event":"done","bytes","durationMs"}` (connection → file closed);
 * `send` connects and streams --file in 1 MiB reads.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs'
import { once } from 'node:events'
import { createConnection, createServer, type Socket } from 'node:net'
import { connect as connectTls, createServer as createTlsServer, type TLSSocket } from 'node:tls'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { PIPE_READ_BUFFER_BYTES } from '../constants.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    transport: { type: 'string' },
    port: { type: 'string' },
    file: { type: 'string' },
    out: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' }
  }
})
const isTls = values.transport === 'tls'
const print = (event: Record<string, unknown>): void => { process.stdout.write(JSON.stringify(event) + '\n') }

if (positionals[0] === 'receive') await receive(required(values.out, '--out'))
else if (positionals[0] === 'send') await send(required(values.file, '--file'), Number(required(values.port, '--port')))
else throw new Error('usage: pipe-endpoint.ts receive|send --transport tcp|tls ...')

async function receive (outPath: string): Promise<void> {
  const onSocket = (socket: Socket | TLSSocket): void => {
    server.close() // one connection only; the open one carries on
    const startedAt = performance.now()
    // Read now: a closed TLS socket no longer knows its cipher.
    const cipher = 'getCipher' in socket ? `${socket.getProtocol() ?? ''} ${socket.getCipher().name}` : undefined
    const out = createWriteStream(outPath)
    void pipeline(socket, out).then(async () => {
      if (!out.closed) await once(out, 'close')
      print({ event: 'done', bytes: socket.bytesRead, durationMs: performance.now() - startedAt, cipher })
    })
  }
  const server = isTls
    ? createTlsServer({ cert: readFileSync(required(values.cert, '--cert')), key: readFileSync(required(values.key, '--key')), minVersion: 'TLSv1.3' }, onSocket)
    : createServer(onSocket)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  print({ event: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 })
}

async function send (filePath: string, port: number): Promise<void> {
  const socket = isTls
    ? connectTls({ host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(required(values.cert, '--cert')), minVersion: 'TLSv1.3' })
    : createConnection({ host: '127.0.0.1', port })
  await once(socket, isTls ? 'secureConnect' : 'connect')
  await pipeline(createReadStream(filePath, { highWaterMark: PIPE_READ_BUFFER_BYTES }), socket)
}

function required (value: string | undefined, flag: string): string {
  if (value === undefined) throw new Error(`${flag} is required`)
  return value
}
