import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createPendingOffers } from './pending-offers.ts'

const VIEW = { id: 'offer1234', from: { peerId: 'p', name: 'Alice' }, files: [], fileCount: 0, totalBytes: 0, receivedAtMs: 0 }

test('an offer waits for the answer given through the API', async () => {
  let changes = 0
  const offers = createPendingOffers({ onChange: () => { changes++ } })
  const decision = offers.ask(VIEW)
  assert.deepEqual(offers.list().map(offer => offer.id), ['offer1234'])
  assert.equal(offers.answer('offer1234', { accept: true }), true)
  assert.deepEqual(await decision, { accept: true })
  assert.equal(offers.answer('offer1234', { accept: true }), false, 'answered once')
  assert.equal(changes, 2)
})

test('nobody answering declines with TRANSFER_TIMEOUT', async () => {
  const offers = createPendingOffers({ onChange: () => {}, timeoutMs: 10 })
  const decision = await offers.ask(VIEW)
  assert.equal(decision.accept, false)
  assert.equal(decision.accept === false && decision.code, 'TRANSFER_TIMEOUT')
  assert.deepEqual(offers.list(), [])
})
