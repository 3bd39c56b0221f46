import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isAppError } from './app-error.ts'
import { MAX_EXPLAINED_JSON_BYTES, MAX_JSON_DEPTH } from './constants.ts'
import { clientToSignalDecoder } from './signal-messages.ts'
import { offerDecoder } from './transfer-messages.ts'

const PEER = '12D3KooWGzTk5JzfvLbcmEE2cBfj1oyWNbJVtbumYrKXWkuSd8ro'
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)
const signalWithPayload = (payloadJson: string): string => `{"type":"signal","to":"${PEER}","payload":{"x":${payloadJson}}}`

test('refuses a message nested deeper than the limit with the decoder\'s own code', () => {
  // 6,000 levels: JSON.parse copes, but JSON.stringify overflows its stack when the server forwards it.
  assert.throws(() => clientToSignalDecoder.decodeJson(signalWithPayload(nested(6000))),
    (err: unknown) => isAppError(err, 'SIGNAL_INVALID_MESSAGE') && /nested deeper than/.test(err.message))
})

test('accepts nesting up to the limit, and brackets inside strings do not count', () => {
  // The message and the payload object take two levels.
  const decoded = clientToSignalDecoder.decodeJson(signalWithPayload(nested(MAX_JSON_DEPTH - 2)))
  assert.equal(decoded.type, 'signal')
  const brackets = clientToSignalDecoder.decodeJson(signalWithPayload(JSON.stringify('[[[[{{{{\\"[[[['.repeat(20))))
  assert.equal(brackets.type, 'signal')
})

test('names the offending field of a small invalid message', () => {
  assert.throws(() => offerDecoder.decodeJson('{"transferId":"abcdefgh","senderName":"A","chunkSizeBytes":1,"totalBytes":1,"entries":[0]}'),
    (err: unknown) => isAppError(err, 'PROTOCOL_INVALID_MESSAGE') && err.message.includes('/entries/0'))
})

test('refuses a huge offer of bad entries with a plain message instead of searching every entry', () => {
  // A million bad entries: naming the field walked all of them (16 MiB of them took 7 s and 3 GB).
  const body = `{"transferId":"abcdefgh","senderName":"A","chunkSizeBytes":1,"totalBytes":1,"entries":[${'0,'.repeat(999_999)}0]}`
  assert.ok(body.length > MAX_EXPLAINED_JSON_BYTES)
  assert.throws(() => offerDecoder.decodeJson(body),
    (err: unknown) => isAppError(err, 'PROTOCOL_INVALID_MESSAGE') && err.message === 'invalid offer: does not match the schema')
})

test('refuses bytes that are not UTF-8 with the decoder\'s code', () => {
  assert.throws(() => offerDecoder.decodeJson(new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d])),
    (err: unknown) => isAppError(err, 'PROTOCOL_INVALID_MESSAGE') && /not UTF-8/.test(err.message))
})
