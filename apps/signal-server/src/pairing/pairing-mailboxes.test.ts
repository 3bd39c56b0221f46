import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isAppError, type AppError, type PairingToClient } from '@p2pft/protocol'
import { createPairingMailboxes, type MailboxSide } from './pairing-mailboxes.ts'

interface FakeSide extends MailboxSide { received: PairingToClient[], ended: Array<AppError | undefined> }

function side (ip = '192.0.2.1'): FakeSide {
  const received: PairingToClient[] = []
  const ended: Array<AppError | undefined> = []
  return { ip, received, ended, send: message => { received.push(message) }, end: error => { ended.push(error) } }
}

function nameplateOf (opener: FakeSide): string {
  const opened = opener.received.find(message => message.type === 'opened')
  assert.ok(opened?.type === 'opened')
  return opened.nameplate
}

test('one joiner per nameplate: a second join with the same nameplate is refused', () => {
  const mailboxes = createPairingMailboxes()
  const opener = side()
  mailboxes.open(opener)
  const nameplate = nameplateOf(opener)
  assert.match(nameplate, /^[1-9][0-9]{2}$/)
  const joiner = side()
  mailboxes.join(joiner, nameplate)
  assert.deepEqual(opener.received.at(-1)?.type, 'connected')
  assert.deepEqual(joiner.received.at(-1)?.type, 'connected')
  assert.throws(() => { mailboxes.join(side(), nameplate) }, (err: unknown) => isAppError(err, 'PAIRING_CODE_UNKNOWN'))
  mailboxes.closeAll()
})

test('bodies go only to the other side, at most four each, within the size cap', () => {
  const mailboxes = createPairingMailboxes()
  const [opener, joiner] = [side(), side()]
  mailboxes.open(opener)
  mailboxes.join(joiner, nameplateOf(opener))
  for (let i = 0; i < 4; i++) mailboxes.forward(opener, { kind: 'pake', n: i })
  assert.equal(joiner.received.filter(message => message.type === 'message').length, 4)
  assert.equal(opener.received.filter(message => message.type === 'message').length, 0)
  assert.throws(() => { mailboxes.forward(opener, { kind: 'pake' }) }, (err: unknown) => isAppError(err, 'SIGNAL_RATE_LIMITED'))
  assert.throws(() => { mailboxes.forward(joiner, { big: 'x'.repeat(4096) }) }, (err: unknown) => isAppError(err, 'SIGNAL_MESSAGE_TOO_LARGE'))
  mailboxes.closeAll()
})

test('when one side leaves, the other is told and closed, and the mailbox is gone', () => {
  const mailboxes = createPairingMailboxes()
  const [opener, joiner] = [side(), side()]
  mailboxes.open(opener)
  mailboxes.join(joiner, nameplateOf(opener))
  mailboxes.leave(joiner)
  assert.equal(opener.received.at(-1)?.type, 'peer-left')
  assert.equal(opener.ended.length, 1)
  assert.equal(mailboxes.size, 0)
})

test('an unjoined mailbox expires with PAIRING_TIMEOUT', async () => {
  const mailboxes = createPairingMailboxes({ ttlMs: 20 })
  const opener = side()
  mailboxes.open(opener)
  await new Promise(resolve => setTimeout(resolve, 60))
  assert.ok(isAppError(opener.ended[0], 'PAIRING_TIMEOUT'))
  assert.equal(mailboxes.size, 0)
})

test('open mailboxes are capped per address and in total', () => {
  const mailboxes = createPairingMailboxes({ maxOpenPerIp: 2, maxOpen: 3 })
  mailboxes.open(side('198.51.100.1'))
  mailboxes.open(side('198.51.100.1'))
  assert.throws(() => { mailboxes.open(side('198.51.100.1')) }, (err: unknown) => isAppError(err, 'SIGNAL_RATE_LIMITED'))
  mailboxes.open(side('198.51.100.2'))
  assert.throws(() => { mailboxes.open(side('198.51.100.3')) }, (err: unknown) => isAppError(err, 'SIGNAL_RATE_LIMITED'))
  mailboxes.closeAll()
})

test('joins from one address are rate limited, so nameplates cannot be swept', () => {
  const mailboxes = createPairingMailboxes({ now: () => 0 })
  let refused = 0
  for (let i = 0; i < 20; i++) {
    try {
      mailboxes.join(side('203.0.113.9'), '555')
    } catch (err) {
      if (isAppError(err, 'SIGNAL_RATE_LIMITED')) refused++
    }
  }
  assert.equal(refused, 10)
})
