import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { JsonEvent } from './support/json-process.ts'
import { LAB_ADDRESSES, miniupnpdUnavailableReason, natLabUnavailableReason } from './support/nat-lab.ts'
import { connectionLabel, sendFromHostA, startLabSession, stopLabSession, waitForUpnpMapping, type LabSession, type SendResult } from './support/lab-session.ts'

// The lab needs root and network namespaces; it is skipped, with the reason, elsewhere.
const skipReason = await natLabUnavailableReason()
const upnpSkipReason = skipReason ?? await miniupnpdUnavailableReason()
const MIB = 1024 * 1024
const RUNS = 10
const RUN_SIZE_BYTES = 16 * MIB
/** The relay's output rate where punching works: slower than the direct path, as in real life, so the move to direct shows. */
const RELAY_RATE_MBIT = 20

async function sendRuns (session: LabSession): Promise<SendResult[]> {
  const results: SendResult[] = []
  for (let run = 1; run <= RUNS; run++) results.push((await sendFromHostA(session, run, { sizeBytes: RUN_SIZE_BYTES })).result)
  return results
}

/** Every run must pass `check`; the message lists every run, so a flaky one shows how it failed. */
function assertEveryRun (results: SendResult[], what: string, check: (result: SendResult) => boolean): void {
  const passed = results.filter(result => result.exit === 0 && result.intact && check(result)).length
  assert.equal(passed, results.length, `${what}: ${passed}/${results.length} runs\n${results.map(result => JSON.stringify(result)).join('\n')}`)
}

function addressOf (ip: string): RegExp {
  return new RegExp(`^/ip4/${ip.replaceAll('.', '\\.')}/tcp/`)
}

describe('network lab: two homes behind NAT routers and a public server', { skip: skipReason }, () => {
  describe('both NATs endpoint-independent', () => {
    let setup: LabSession | undefined
    before(async () => { setup = await startLabSession({ natA: 'endpoint-independent', natB: 'endpoint-independent', receiverHost: 'hostB', withServer: true, relayRateMbit: RELAY_RATE_MBIT }) })
    after(async () => { await stopLabSession(setup) })

    test(`peers end up directly connected by hole punching, 16 MiB intact, ${RUNS} runs out of ${RUNS}`, async () => {
      assert.ok(setup !== undefined)
      const results = await sendRuns(setup)
      // The punched connection goes to host-b's public mapping on its router.
      assertEveryRun(results, 'direct (hole-punched)', r => r.connections.at(-1) === 'direct/hole-punch' && addressOf(LAB_ADDRESSES.natBPublic).test(r.remoteAddr))
    })

    test('a transfer that started on the relay moves to the punched connection mid-way and finishes intact', async () => {
      assert.ok(setup !== undefined)
      // The punch waits 1.5 s, so several MiB have crossed the (20 Mbit/s) relay before the move.
      const { result, sender } = await sendFromHostA(setup, 100, { sizeBytes: RUN_SIZE_BYTES, env: { P2PFT_PUNCH_DELAY_MS: '1500' } })
      assert.equal(result.exit, 0, JSON.stringify(result))
      assert.ok(result.intact, JSON.stringify(result))
      assert.deepEqual(result.connections, ['relayed+lane', 'direct/hole-punch'], JSON.stringify(result))
      const switchedAt = sender.events.findIndex(e => e.event === 'connection' && e.type === 'direct')
      const before = sender.events.slice(0, switchedAt).filter((e): e is JsonEvent & { bytes: number } => e.event === 'progress' && typeof e.bytes === 'number')
      const relayedBytes = Math.max(0, ...before.map(e => e.bytes))
      assert.ok(relayedBytes > 0 && relayedBytes < RUN_SIZE_BYTES, `moved mid-way: ${relayedBytes} of ${RUN_SIZE_BYTES} bytes went over the relay first`)
      const done = sender.events.find(e => e.event === 'done')
      assert.equal(done?.bytes, RUN_SIZE_BYTES)
      // The receiver saw the same move: the transfer stream came over the relay, then over the punched connection.
      const receiverConnections = setup.receiver.events.filter(e => e.event === 'connection').slice(-2).map(connectionLabel)
      assert.deepEqual(receiverConnections, ['relayed+lane', 'direct/hole-punch'])
    })
  })

  describe('one NAT symmetric', () => {
    let setup: LabSession | undefined
    before(async () => { setup = await startLabSession({ natA: 'endpoint-independent', natB: 'symmetric', receiverHost: 'hostB', withServer: true }) })
    after(async () => { await stopLabSession(setup) })

    test(`the punch fails and the relay carries every transfer intact, ${RUNS} runs out of ${RUNS}`, async () => {
      assert.ok(setup !== undefined)
      assertEveryRun(await sendRuns(setup), 'relayed, on a data lane the server splices', r => r.connections.length === 1 && r.connections[0] === 'relayed+lane')
    })
  })

  describe('both NATs symmetric', () => {
    let setup: LabSession | undefined
    before(async () => { setup = await startLabSession({ natA: 'symmetric', natB: 'symmetric', receiverHost: 'hostB', withServer: true }) })
    after(async () => { await stopLabSession(setup) })

    test(`the relay carries every transfer intact, ${RUNS} runs out of ${RUNS}`, async () => {
      assert.ok(setup !== undefined)
      assertEveryRun(await sendRuns(setup), 'relayed, on a data lane the server splices', r => r.connections.length === 1 && r.connections[0] === 'relayed+lane')
    })
  })

  describe('one LAN, no server', () => {
    let setup: LabSession | undefined
    before(async () => { setup = await startLabSession({ natA: 'endpoint-independent', natB: 'endpoint-independent', receiverHost: 'hostC', withServer: false }) })
    after(async () => { await stopLabSession(setup) })

    test(`devices connect directly through mDNS, ${RUNS} runs out of ${RUNS}`, async () => {
      assert.ok(setup !== undefined)
      const results = await sendRuns(setup)
      assertEveryRun(results, 'direct on the LAN, on a data lane', r => r.connections.length === 1 && r.connections[0] === 'direct/lan+lane' && addressOf(LAB_ADDRESSES.hostC).test(r.remoteAddr))
    })
  })

  describe('UPnP on the receiver\'s router (miniupnpd), which is symmetric', { skip: upnpSkipReason }, () => {
    let setup: LabSession | undefined
    let mappedPort = 0
    before(async () => {
      setup = await startLabSession({ natA: 'endpoint-independent', natB: 'symmetric', upnpOnNatB: true, receiverHost: 'hostB', withServer: true })
      mappedPort = await waitForUpnpMapping(setup.lab, 30_000)
      // The mapping reaches the signal server with libp2p's next address update (debounced by 1 s).
      await sleep(2_000)
    })
    after(async () => { await stopLabSession(setup) })

    test(`host-a reaches host-b directly through the port its router mapped, ${RUNS} runs out of ${RUNS}`, async () => {
      assert.ok(setup !== undefined)
      const results = await sendRuns(setup)
      // A punch cannot pass the symmetric NAT, so a direct connection to nat-b's public address is the UPnP port.
      // No lane: the receiver knows its router maps only the libp2p port and says so at once.
      const mapped = new RegExp(`^/ip4/${LAB_ADDRESSES.natBPublic.replaceAll('.', '\\.')}/tcp/${mappedPort}/`)
      assertEveryRun(results, 'direct through the UPnP port', r => r.connections.length === 1 && r.connections[0] === 'direct/public' && mapped.test(r.remoteAddr))
      const receiverRoutes = new Set(setup.receiver.events.filter(e => e.event === 'connection').map(connectionLabel))
      assert.deepEqual([...receiverRoutes], ['direct/upnp'], 'the receiver knows the connections came in through its UPnP mapping')
    })
  })
})
