import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import pino from 'pino'
import { LANE_MAGIC, type LaneResponse } from '@p2pft/protocol'
import { deriveLaneKeys } from './lane-keys.ts'
import { createLaneServer, type LaneTicketHolder } from './lane-server.ts'
import { createSealedSocketStream, type SealedSocketStream } from './sealed-socket-stream.ts'

const log = pino({ level: 'silent' })

async function connectTo (port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true })
  await once(socket, 'connect')
  return socket
}

/** Presents `ticket` on a new connection, the way a sender does; the stream's `ready` tells whether it was admitted. */
async function present (ticket: LaneResponse, hello?: Buffer): Promise<{ socket: Socket, lane: SealedSocketStream }> {
  const socket = await connectTo(ticket.port)
  const ticketBytes = Buffer.from(ticket.ticket, 'base64url')
  const lane = createSealedSocketStream(socket, deriveLaneKeys(Buffer.from(ticket.secret, 'base64url'), ticketBytes, 'sender'))
  socket.write(hello ?? Buffer.concat([Buffer.from(LANE_MAGIC, 'latin1'), ticketBytes]))
  return { socket, lane }
}

async function withServer (run: (server: Awaited<ReturnType<typeof createLaneServer<string>>>, lanes: Array<{ lane: SealedSocketStream, holder: LaneTicketHolder<string> }>) => Promise<void>): Promise<void> {
  const lanes: Array<{ lane: SealedSocketStream, holder: LaneTicketHolder<string> }> = []
  const server = await createLaneServer<string>({ log, onLane: (lane, holder) => { lanes.push({ lane, holder }) } }, { hosts: ['127.0.0.1'] })
  try {
    await run(server, lanes)
  } finally {
    server.close()
  }
}

test('a lane with a valid ticket is admitted, tied to the peer the ticket was issued to, and carries data', async () => {
  await withServer(async (server, lanes) => {
    const ticket = server.issue({ peerId: 'peer-a', context: 'conn-1' }, '127.0.0.1')
    assert.ok(ticket !== undefined)
    const { socket, lane } = await present(ticket)
    try {
      await lane.ready
      assert.equal(lanes.length, 1)
      assert.deepEqual(lanes[0]?.holder, { peerId: 'peer-a', context: 'conn-1' })
      await lane.write(Buffer.from('offer'))
      const iterator = lanes[0]?.lane[Symbol.asyncIterator]()
      const first = await iterator?.next()
      assert.equal(Buffer.from(first?.value as Uint8Array).toString(), 'offer')
    } finally {
      socket.destroy()
    }
  })
})

test('a ticket works once; an unknown ticket or a wrong greeting is closed without a lane', async () => {
  await withServer(async (server, lanes) => {
    const ticket = server.issue({ peerId: 'peer-a', context: 'conn-1' }, '127.0.0.1')
    assert.ok(ticket !== undefined)
    const first = await present(ticket)
    await first.lane.ready
    first.socket.destroy()

    const again = await present(ticket)
    await assert.rejects(again.lane.ready, /lane/)

    const forged = { ...ticket, ticket: Buffer.alloc(16, 7).toString('base64url') }
    const unknown = await present(forged)
    await assert.rejects(unknown.lane.ready, /lane/)

    const other = server.issue({ peerId: 'peer-b', context: 'conn-2' }, '127.0.0.1')
    assert.ok(other !== undefined)
    const wrongMagic = await present(other, Buffer.concat([Buffer.from('GET / HTTP/1'), Buffer.from(other.ticket, 'base64url')]))
    await assert.rejects(wrongMagic.lane.ready, /lane/)
    assert.equal(lanes.length, 1, 'only the first connection became a lane')
  })
})

test('no ticket is issued for an address family nobody listens on', async () => {
  await withServer(async (server) => {
    assert.equal(server.issue({ peerId: 'peer-a', context: 'conn-1' }, '::1'), undefined)
  })
})
