import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { connect, createServer, type Socket } from 'node:net'
import { it, type TestContext } from 'node:test'
import { AppError, LANE_RELAY_MAGIC, LANE_RELAY_ROLE_HOLDER, LANE_RELAY_ROLE_JOINER, LANE_RELAY_TICKET_BYTES } from '@p2pft/protocol'
import { pino } from 'pino'
import { createLaneRelay, type LaneRelay, type LaneRelayOptions } from './lane-relay.ts'

const log = pino({ level: 'silent' })

async function startRelay (t: TestContext, options: Partial<LaneRelayOptions> = {}): Promise<LaneRelay> {
  const relay = await createLaneRelay({ log }, { host: '127.0.0.1', port: 0, ...options })
  t.after(() => relay.close())
  return relay
}

function helloOf (role: number, ticket: string, magic = LANE_RELAY_MAGIC): Buffer {
  return Buffer.concat([Buffer.from(magic, 'latin1'), Buffer.of(role), Buffer.from(ticket, 'base64url')])
}

function issueOrFail (relay: LaneRelay, peerId: string): string {
  const ticket = relay.issue(peerId)
  assert.ok(ticket != null, `a ticket for ${peerId}`)
  return ticket
}

/** A client connection that records what it receives; destroyed when the test ends. */
function dial (t: TestContext, port: number, firstBytes?: Buffer, options: { allowHalfOpen?: boolean } = {}) {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: options.allowHalfOpen ?? false })
  t.after(() => socket.destroy())
  let received = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => { received = Buffer.concat([received, chunk]) })
  // A reset from the relay counts as a close, which the tests look for.
  socket.on('error', () => {})
  const ended = new Promise<void>(resolve => socket.once('end', resolve))
  const closed = new Promise<void>(resolve => socket.once('close', () => resolve()))
  if (firstBytes != null) socket.write(firstBytes)
  return {
    socket,
    ended,
    get text () { return received.toString() },
    async receives (text: string): Promise<void> {
      await waitFor(`"${text}"`, () => received.toString() === text)
    },
    /** Resolves with every byte received once the socket closes; fails if it stays open past `withinMs`. */
    async closes (withinMs = 1_000): Promise<Buffer> {
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`socket still open after ${withinMs} ms`)), withinMs)
      })
      await Promise.race([closed, timedOut]).finally(() => clearTimeout(timer))
      return received
    }
  }
}

async function waitFor (what: string, probe: () => boolean, timeoutMs = 1_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

it('splices a holder and a joiner: bytes after each hello first, both ways, and a half-close', async (t) => {
  const relay = await startRelay(t)
  const ticket = issueOrFail(relay, 'peer-a')
  const holder = dial(t, relay.port, Buffer.concat([helloOf(LANE_RELAY_ROLE_HOLDER, ticket), Buffer.from('h0|')]), { allowHalfOpen: true })
  const joiner = dial(t, relay.port, Buffer.concat([helloOf(LANE_RELAY_ROLE_JOINER, ticket), Buffer.from('handshake|')]))
  joiner.socket.write('second|')

  await holder.receives('handshake|second|')
  await joiner.receives('h0|')
  assert.equal(relay.activeSplices, 1)
  holder.socket.write('h1|')
  await joiner.receives('h0|h1|')

  joiner.socket.end('last')
  await holder.ended
  assert.equal(holder.text, 'handshake|second|last')
  holder.socket.end('reply after the joiner finished')
  await joiner.receives('h0|h1|reply after the joiner finished')
  await Promise.all([holder.closes(), joiner.closes()])
  await waitFor('the splice to end', () => relay.activeSplices === 0)
})

it('passes on a FIN that came while its end was waiting', async (t) => {
  const relay = await startRelay(t)
  const ticket = issueOrFail(relay, 'peer-a')
  const joiner = dial(t, relay.port)
  joiner.socket.end(Buffer.concat([helloOf(LANE_RELAY_ROLE_JOINER, ticket), Buffer.from('all I had')]))
  // Long enough on loopback for the relay to read the hello and the FIN before the holder comes.
  await new Promise(resolve => setTimeout(resolve, 50))
  const holder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket), { allowHalfOpen: true })
  await holder.ended
  assert.equal(holder.text, 'all I had')
  holder.socket.end('thanks')
  await joiner.receives('thanks')
})

it('destroys the other end when one end is reset', async (t) => {
  const relay = await startRelay(t)
  const ticket = issueOrFail(relay, 'peer-a')
  const holder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket))
  const joiner = dial(t, relay.port, Buffer.concat([helloOf(LANE_RELAY_ROLE_JOINER, ticket), Buffer.from('hi')]))
  await holder.receives('hi')
  joiner.socket.resetAndDestroy()
  await holder.closes()
  await waitFor('the splice to end', () => relay.activeSplices === 0)
})

it('closes without a byte a connection with an unknown ticket, a wrong magic or a bad role', async (t) => {
  const relay = await startRelay(t, { helloTimeoutMs: 10_000 })
  const ticket = issueOrFail(relay, 'peer-a')
  const unknownTicket = randomBytes(LANE_RELAY_TICKET_BYTES).toString('base64url')
  const refused = [
    dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, unknownTicket)),
    dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket, 'p2pft-relay/2')),
    dial(t, relay.port, helloOf(3, ticket))
  ]
  for (const client of refused) assert.equal((await client.closes()).length, 0)
  assert.equal(relay.activeSplices, 0)
})

it('splices a ticket once: a second pair presenting it is closed', async (t) => {
  const relay = await startRelay(t, { helloTimeoutMs: 10_000 })
  const ticket = issueOrFail(relay, 'peer-a')
  const holder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket))
  dial(t, relay.port, Buffer.concat([helloOf(LANE_RELAY_ROLE_JOINER, ticket), Buffer.from('hi')]))
  await holder.receives('hi')

  const lateHolder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket))
  const lateJoiner = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_JOINER, ticket))
  assert.equal((await lateHolder.closes()).length, 0)
  assert.equal((await lateJoiner.closes()).length, 0)
  assert.equal(relay.activeSplices, 1, 'the first splice goes on')
})

it('refuses a second connection for a role that is already waiting', async (t) => {
  const relay = await startRelay(t, { helloTimeoutMs: 10_000 })
  const ticket = issueOrFail(relay, 'peer-a')
  const holders = [0, 1].map(() => dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket)))
  const refusedIndex = await Promise.race(holders.map(async (holder, index) => { await holder.closes(); return index }))
  assert.equal(holders[refusedIndex]?.text, '')

  dial(t, relay.port, Buffer.concat([helloOf(LANE_RELAY_ROLE_JOINER, ticket), Buffer.from('hi')]))
  await holders[1 - refusedIndex]?.receives('hi')
})

it('closes an end left waiting when its ticket expires', async (t) => {
  const relay = await startRelay(t, { ticketTtlMs: 200, helloTimeoutMs: 10_000 })
  const startedAtMs = Date.now()
  const ticket = issueOrFail(relay, 'peer-a')
  const joiner = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_JOINER, ticket))
  assert.equal((await joiner.closes()).length, 0)
  assert.ok(Date.now() - startedAtMs >= 150, 'it waited for the ticket to expire')

  const lateHolder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket))
  assert.equal((await lateHolder.closes()).length, 0, 'an expired ticket is unknown')
})

it('closes a connection that does not send its whole hello in time', async (t) => {
  const relay = await startRelay(t, { helloTimeoutMs: 200 })
  const ticket = issueOrFail(relay, 'peer-a')
  const startedAtMs = Date.now()
  const silent = dial(t, relay.port)
  const partial = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket).subarray(0, 20))
  assert.equal((await silent.closes()).length, 0)
  assert.equal((await partial.closes()).length, 0)
  assert.ok(Date.now() - startedAtMs >= 150, 'it waited for the hello timeout')
})

it('closes at once a connection past the limit of connections without a hello from one address, and takes one again when a place frees', async (t) => {
  const relay = await startRelay(t, { maxUngreetedPerIp: 2 })
  const first = dial(t, relay.port)
  const second = dial(t, relay.port)
  await new Promise(resolve => setTimeout(resolve, 50))
  const third = dial(t, relay.port)
  assert.equal((await third.closes()).length, 0, 'closed without a byte')
  assert.equal(first.socket.closed, false)

  // A close (or a hello) frees the place.
  first.socket.destroy()
  second.socket.destroy()
  await Promise.all([first.closes(), second.closes()])
  await new Promise(resolve => setTimeout(resolve, 50))
  const ticket = issueOrFail(relay, 'peer-a')
  const holder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket))
  const joiner = dial(t, relay.port, Buffer.concat([helloOf(LANE_RELAY_ROLE_JOINER, ticket), Buffer.from('hi')]))
  await holder.receives('hi')
  assert.equal(joiner.socket.closed, false)
})

it('limits tickets per peer and in total, counting open splices until they end', async (t) => {
  const relay = await startRelay(t, { maxPerPeer: 2, maxSplices: 3 })
  const first = issueOrFail(relay, 'peer-a')
  issueOrFail(relay, 'peer-a')
  assert.equal(relay.issue('peer-a'), undefined, 'peer-a holds its limit')
  issueOrFail(relay, 'peer-b')
  assert.equal(relay.issue('peer-c'), undefined, 'the relay holds its limit')

  const holder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, first))
  const joiner = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_JOINER, first))
  await waitFor('the splice', () => relay.activeSplices === 1)
  assert.equal(relay.issue('peer-a'), undefined, 'an open splice still counts')
  holder.socket.destroy()
  await joiner.closes()
  await waitFor('the splice to end', () => relay.activeSplices === 0)
  issueOrFail(relay, 'peer-a')
})

it('destroys both ends of a splice that carries more than its data limit', async (t) => {
  const relay = await startRelay(t, { dataLimitBytes: 1_000 })
  const ticket = issueOrFail(relay, 'peer-a')
  const holder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, ticket))
  const joiner = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_JOINER, ticket))
  joiner.socket.write('a'.repeat(600))
  await holder.receives('a'.repeat(600))
  holder.socket.write('b'.repeat(300))
  await joiner.receives('b'.repeat(300))

  joiner.socket.write('c'.repeat(200))
  const [toHolder] = await Promise.all([holder.closes(), joiner.closes()])
  assert.equal(toHolder.toString(), 'a'.repeat(600), 'bytes past the limit are not forwarded')
  await waitFor('the splice to end', () => relay.activeSplices === 0)
})

it('close() destroys connections waiting, spliced and still saying hello', async (t) => {
  const relay = await startRelay(t, { helloTimeoutMs: 10_000 })
  const waitingTicket = issueOrFail(relay, 'peer-a')
  const splicedTicket = issueOrFail(relay, 'peer-b')
  const waiting = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, waitingTicket))
  const holder = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_HOLDER, splicedTicket))
  const joiner = dial(t, relay.port, helloOf(LANE_RELAY_ROLE_JOINER, splicedTicket))
  const silent = dial(t, relay.port)
  await waitFor('the splice', () => relay.activeSplices === 1)
  await waitFor('every connection to open', () => [waiting, silent].every(client => client.socket.readyState === 'open'))

  await relay.close()
  await Promise.all([waiting, holder, joiner, silent].map(async client => await client.closes()))
  await relay.close()
  assert.equal(relay.issue('peer-c'), undefined, 'a closed relay issues no tickets')
})

it('fails with CONFIG_INVALID when it cannot listen', async (t) => {
  const taken = createServer()
  await new Promise<void>(resolve => taken.listen(0, '127.0.0.1', resolve))
  t.after(() => taken.close())
  const address = taken.address()
  assert.ok(address != null && typeof address === 'object')
  await assert.rejects(createLaneRelay({ log }, { host: '127.0.0.1', port: address.port }),
    (err: unknown) => err instanceof AppError && err.code === 'CONFIG_INVALID')
})
