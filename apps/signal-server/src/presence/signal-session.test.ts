import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { it } from 'node:test'
import type { SignalToClient } from '@p2pft/protocol'
import { pino } from 'pino'
import { createSignalSession, type SignalSession } from './signal-session.ts'
import { SOCKET_OPEN, type SignalSocket } from './signal-socket.ts'

/** An in-memory socket: records what the session sends and how it closes. */
interface FakeSocket extends SignalSocket {
  sent: SignalToClient[]
  closedWith: number | undefined
  bufferedAmount: number
  receive: (text: string, isBinary?: boolean) => void
}

function fakeSocket (): FakeSocket {
  const events = new EventEmitter()
  const socket = {
    readyState: SOCKET_OPEN,
    bufferedAmount: 0,
    sent: [] as SignalToClient[],
    closedWith: undefined as number | undefined,
    send: (data: string) => { socket.sent.push(JSON.parse(data)) },
    close: (code?: number) => { socket.closedWith = code },
    terminate: () => {},
    on: (event: string, listener: (...args: any[]) => void) => events.on(event, listener),
    receive: (text: string, isBinary = false) => { events.emit('message', Buffer.from(text), isBinary) }
  }
  return socket
}

const log = pino({ level: 'silent' })
const observedAddress = { ip: '127.0.0.1', port: 1 }

it('turns a failure while handling a message into INTERNAL_ERROR and keeps the session', () => {
  const socket = fakeSocket()
  createSignalSession({ socket, log, onMessage: () => { throw new Error('bug') }, onClose: () => {} }, { observedAddress })
  socket.receive('{"type":"ping"}')
  assert.deepEqual(socket.sent.map(m => m.type === 'error' && m.code), ['INTERNAL_ERROR'])
  assert.equal(socket.closedWith, undefined)
})

it('closes a client that does not read its messages, once', () => {
  const socket = fakeSocket()
  const closed: SignalSession[] = []
  const session = createSignalSession({ socket, log, onMessage: () => {}, onClose: s => { closed.push(s) } }, { observedAddress, maxSendBufferBytes: 10 })
  socket.bufferedAmount = 11
  session.send({ type: 'pong' })
  session.send({ type: 'pong' })
  assert.equal(socket.sent.length, 0)
  assert.equal(socket.closedWith, 4004)
  assert.equal(closed.length, 1)
})

it('refuses binary frames as invalid messages', () => {
  const socket = fakeSocket()
  const handled: unknown[] = []
  createSignalSession({ socket, log, onMessage: m => { handled.push(m) }, onClose: () => {} }, { observedAddress })
  socket.receive('{"type":"ping"}', true)
  assert.deepEqual(handled, [])
  const [error] = socket.sent
  assert.equal(error?.type === 'error' && error.code, 'SIGNAL_INVALID_MESSAGE')
  assert.match(error?.type === 'error' ? error.message : '', /binary/)
})
