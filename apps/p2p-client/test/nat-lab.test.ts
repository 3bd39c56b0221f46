import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { P2P_CLIENT_BIN, SIGNAL_SERVER_BIN, spawnJsonProcess, type JsonProcess } from './support/json-process.ts'
import { LAB_ADDRESSES, createNatLab, natLabUnavailableReason, type NatLab, type NatLabOptions } from './support/nat-lab.ts'
import { describeTree, makeTempDir, writeRandomFile } from './support/test-files.ts'

// The lab needs root and network namespaces; it is skipped, with the reason, elsewhere.
const skipReason = await natLabUnavailableReason()
const MIB = 1024 * 1024
const SERVER_URL = `http://${LAB_ADDRESSES.server}:8787`

interface Scenario { lab: NatLab, work: { path: string, cleanup: () => Promise<void> }, processes: JsonProcess[] }

async function startScenario (options: NatLabOptions): Promise<Scenario> {
  return { lab: await createNatLab(options), work: await makeTempDir('lab'), processes: [] }
}

async function stopScenario (scenario: Scenario): Promise<void> {
  await Promise.all(scenario.processes.map(async child => await child.stop('SIGKILL')))
  await scenario.lab.destroy()
  await scenario.work.cleanup()
}

function inHost (scenario: Scenario, host: keyof NatLab['ns'], bin: string, args: string[]): JsonProcess {
  const child = spawnJsonProcess(bin, { wrapper: scenario.lab.exec(host), args, env: { P2PFT_SERVER: '' } })
  scenario.processes.push(child)
  return child
}

/** Sends a 16 MiB file from host-a to host-b (or host-c) and checks it arrived intact. */
async function transfer (scenario: Scenario, to: 'hostB' | 'hostC', serverArgs: string[]): Promise<Record<string, unknown>> {
  const downloads = join(scenario.work.path, `${to}-downloads`)
  const receiver = inHost(scenario, to, P2P_CLIENT_BIN, [
    'receive', '--name', 'LabBob', '--yes', '--once', '--json', ...serverArgs,
    '--data-dir', join(scenario.work.path, `${to}-data`), '--dir', downloads
  ])
  await receiver.waitFor(e => e.event === 'listening')
  const source = join(scenario.work.path, 'lab.bin')
  await writeRandomFile(source, 16 * MIB)
  const sender = inHost(scenario, 'hostA', P2P_CLIENT_BIN, [
    'send', '--to', 'LabBob', '--wait', '60', '--json', ...serverArgs, '--data-dir', join(scenario.work.path, 'host-a-data'), source
  ])
  assert.equal(await sender.exited, 0, JSON.stringify(sender.events) + sender.stderr())
  assert.equal(await receiver.exited, 0, receiver.stderr())
  const sent = await describeTree(scenario.work.path)
  const received = await describeTree(downloads)
  assert.equal(received.get('lab.bin'), sent.get('lab.bin'), 'arrived byte-identical')
  const connection = sender.events.find(e => e.event === 'connection')
  assert.ok(connection !== undefined)
  return connection
}

async function startLabServer (scenario: Scenario): Promise<void> {
  const server = inHost(scenario, 'server', SIGNAL_SERVER_BIN, ['--host', LAB_ADDRESSES.server, '--port', '8787', '--relay-port', '8788'])
  await server.waitFor(e => e.event === 'listening')
}

/** Runs `body` in a fresh lab that is always torn down, so a failure leaks no processes. */
async function inLab (options: NatLabOptions, body: (scenario: Scenario) => Promise<void>): Promise<void> {
  const scenario = await startScenario(options)
  try {
    await body(scenario)
  } finally {
    await stopScenario(scenario)
  }
}

describe('network lab: two homes behind NAT routers and a public server', { skip: skipReason }, () => {
  test('through symmetric NATs the transfer completes through the relay', async () => {
    await inLab({ natA: 'symmetric', natB: 'symmetric' }, async (scenario) => {
      await startLabServer(scenario)
      const connection = await transfer(scenario, 'hostB', ['--server', SERVER_URL, '--room', 'lab'])
      assert.equal(connection.type, 'relayed')
    })
  })

  test('with one symmetric NAT the punch fails and the relay carries the transfer', async () => {
    await inLab({ natA: 'endpoint-independent', natB: 'symmetric' }, async (scenario) => {
      await startLabServer(scenario)
      const connection = await transfer(scenario, 'hostB', ['--server', SERVER_URL, '--room', 'lab'])
      assert.equal(connection.type, 'relayed')
    })
  })

  test('through endpoint-independent NATs the peers connect directly by hole punching', async () => {
    await inLab({ natA: 'endpoint-independent', natB: 'endpoint-independent' }, async (scenario) => {
      await startLabServer(scenario)
      const connection = await transfer(scenario, 'hostB', ['--server', SERVER_URL, '--room', 'lab'])
      assert.equal(connection.type, 'direct')
      // The punched connection goes to host-b's public mapping on its router.
      assert.match(String(connection.remoteAddr), new RegExp(`^/ip4/${LAB_ADDRESSES.natBPublic.replaceAll('.', '\\.')}/tcp/`))
    })
  })

  test('on one LAN with no server reachable, devices connect directly through mDNS', async () => {
    await inLab({ natA: 'endpoint-independent', natB: 'endpoint-independent' }, async (scenario) => {
      const connection = await transfer(scenario, 'hostC', [])
      assert.equal(connection.type, 'direct')
      assert.match(String(connection.remoteAddr), new RegExp(`^/ip4/${LAB_ADDRESSES.hostC.replaceAll('.', '\\.')}/tcp/`))
    })
  })
})
