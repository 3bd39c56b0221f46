import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

const run = promisify(execFile)

async function ip (...args: string[]): Promise<void> {
  await run('ip', args)
}

/** Why namespace tests cannot run here, or undefined when they can. */
export async function namespaceUnavailableReason (): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'network namespaces need root'
  const probe = `p2pft-probe-${randomBytes(3).toString('hex')}`
  try {
    await ip('netns', 'add', probe)
    await ip('netns', 'del', probe)
    return undefined
  } catch (err) {
    return `cannot create network namespaces: ${(err as Error).message.split('\n')[0] ?? ''}`
  }
}

export interface LanPair {
  /** Namespace names; run a process inside with `ip netns exec NAME …`. */
  a: string
  b: string
  addressA: string
  addressB: string
  destroy: () => Promise<void>
}

/**
 * Two hosts on one private link (a veth pair between two fresh namespaces), with
 * multicast routed on it so mDNS works. Nothing is connected to the real network.
 */
export async function createLanPair (): Promise<LanPair> {
  const id = randomBytes(3).toString('hex')
  const a = `p2pft-lan-a-${id}`
  const b = `p2pft-lan-b-${id}`
  const vethA = `pfa${id}`
  const vethB = `pfb${id}`
  const addressA = '10.77.0.1'
  const addressB = '10.77.0.2'
  await ip('netns', 'add', a)
  await ip('netns', 'add', b)
  const destroy = async (): Promise<void> => {
    for (const ns of [a, b]) {
      const { stdout } = await run('ip', ['netns', 'pids', ns]).catch(() => ({ stdout: '' }))
      for (const pid of stdout.split(/\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL') } catch { /* already gone */ }
      }
      await ip('netns', 'del', ns).catch(() => {})
    }
  }
  try {
    await ip('link', 'add', vethA, 'type', 'veth', 'peer', 'name', vethB)
    await ip('link', 'set', vethA, 'netns', a)
    await ip('link', 'set', vethB, 'netns', b)
    for (const [ns, dev, addr] of [[a, vethA, addressA], [b, vethB, addressB]] as const) {
      await ip('-n', ns, 'link', 'set', 'lo', 'up')
      await ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev)
      await ip('-n', ns, 'link', 'set', dev, 'up')
      await ip('-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev)
    }
  } catch (err) {
    await destroy()
    throw err
  }
  return { a, b, addressA, addressB, destroy }
}
