import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** endpoint-independent mapping (`masquerade`) or a new port per destination (`fully-random`). */
export type NatType = 'endpoint-independent' | 'symmetric'

export interface NatLabOptions {
  natA: NatType
  natB: NatType
  /** Run miniupnpd (UPnP IGD) on nat-b, offering port mappings to its LAN. @default false */
  upnpOnNatB?: boolean
}

const MINIUPNPD = '/usr/sbin/miniupnpd'

/**
 * Addresses from the documentation ranges (RFC 5737), as in DESIGN.md's lab, except
 * nat-b's: miniupnpd and @libp2p/upnp-nat both refuse to map ports behind an address
 * in a reserved range ("double NAT"), so nat-b has an ordinary public one. Nothing
 * leaves the lab (its internet has an unreachable default route).
 */
export const LAB_ADDRESSES = {
  server: '203.0.113.10',
  natAPublic: '198.51.100.10',
  natBPublic: '11.0.2.10',
  hostA: '10.0.1.10',
  hostC: '10.0.1.11',
  hostB: '10.0.2.10'
} as const

export interface NatLab {
  /** Namespace names, for `ip netns exec`. */
  ns: { inet: string, server: string, natA: string, natB: string, hostA: string, hostB: string, hostC: string }
  /** Prefix that runs a command inside a host. */
  exec: (host: keyof NatLab['ns']) => string[]
  /** Forget every NAT mapping (stale conntrack entries give false results). */
  flushConntrack: () => Promise<void>
  /** Limits what the server sends (the relay's output) to `rateMbit`, as a relay is usually slower than a direct path. */
  shapeServerLink: (rateMbit: number) => Promise<void>
  destroy: () => Promise<void>
}

async function ip (...args: string[]): Promise<void> {
  await run('ip', args)
}

async function sysctl (ns: string, key: string, value: string): Promise<void> {
  await run('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${key}=${value}`])
}

/**
 * Builds two home networks behind NAT routers and a public server, all in fresh
 * network namespaces: an "internet" router with an unreachable default route, so no
 * packet can leave the lab for the machine's real network.
 *
 *   host-a 10.0.1.10 ┐                                   ┌ server 203.0.113.10
 *   host-c 10.0.1.11 ┴ br ─ nat-a 198.51.100.10 ─ inet ──┤
 *   host-b 10.0.2.10 ──── nat-b 11.0.2.10 ───────────────┘
 */
export async function createNatLab (options: NatLabOptions): Promise<NatLab> {
  const id = randomBytes(2).toString('hex')
  const ns = {
    inet: `lab${id}-inet`,
    server: `lab${id}-server`,
    natA: `lab${id}-nat-a`,
    natB: `lab${id}-nat-b`,
    hostA: `lab${id}-host-a`,
    hostB: `lab${id}-host-b`,
    hostC: `lab${id}-host-c`
  }
  const created: string[] = []
  const upnpConfig = join(tmpdir(), `lab${id}-miniupnpd.conf`)
  const destroy = async (): Promise<void> => {
    await rm(upnpConfig, { force: true })
    for (const name of created) {
      const { stdout } = await run('ip', ['netns', 'pids', name]).catch(() => ({ stdout: '' }))
      for (const pid of stdout.split(/\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL') } catch { /* already gone */ }
      }
    }
    for (const name of created) await ip('netns', 'del', name).catch(() => {})
  }

  let link = 0
  let serverLink = ''
  /** A veth pair between two namespaces; returns the two interface names. */
  const connect = async (a: string, b: string): Promise<[string, string]> => {
    link++
    const left = `l${id}x${link}a`
    const right = `l${id}x${link}b`
    await ip('link', 'add', left, 'type', 'veth', 'peer', 'name', right)
    await ip('link', 'set', left, 'netns', a)
    await ip('link', 'set', right, 'netns', b)
    await ip('-n', a, 'link', 'set', left, 'up')
    await ip('-n', b, 'link', 'set', right, 'up')
    return [left, right]
  }

  try {
    for (const name of Object.values(ns)) {
      await ip('netns', 'add', name)
      created.push(name)
      await ip('-n', name, 'link', 'set', 'lo', 'up')
      await sysctl(name, 'net.ipv4.conf.all.rp_filter', '0')
      await sysctl(name, 'net.ipv4.conf.default.rp_filter', '0')
    }
    for (const router of [ns.inet, ns.natA, ns.natB]) await sysctl(router, 'net.ipv4.ip_forward', '1')
    // The lab's internet knows only its own networks.
    await ip('-n', ns.inet, 'route', 'add', 'unreachable', 'default')

    const [serverIf, inetServerIf] = await connect(ns.server, ns.inet)
    serverLink = serverIf
    await ip('-n', ns.server, 'addr', 'add', `${LAB_ADDRESSES.server}/24`, 'dev', serverIf)
    await ip('-n', ns.inet, 'addr', 'add', '203.0.113.1/24', 'dev', inetServerIf)
    await ip('-n', ns.server, 'route', 'add', 'default', 'via', '203.0.113.1')

    const routers = [
      { nat: ns.natA, type: options.natA, wan: LAB_ADDRESSES.natAPublic, gateway: '198.51.100.1', lan: '10.0.1.1' },
      { nat: ns.natB, type: options.natB, wan: LAB_ADDRESSES.natBPublic, gateway: '11.0.2.1', lan: '10.0.2.1' }
    ]
    for (const router of routers) {
      const [wanIf, inetIf] = await connect(router.nat, ns.inet)
      await ip('-n', router.nat, 'link', 'set', wanIf, 'name', 'wan')
      await ip('-n', router.nat, 'addr', 'add', `${router.wan}/24`, 'dev', 'wan')
      await ip('-n', ns.inet, 'addr', 'add', `${router.gateway}/24`, 'dev', inetIf)
      await ip('-n', router.nat, 'route', 'add', 'default', 'via', router.gateway)
      await ip('-n', router.nat, 'link', 'add', 'lan', 'type', 'bridge')
      await ip('-n', router.nat, 'addr', 'add', `${router.lan}/24`, 'dev', 'lan')
      await ip('-n', router.nat, 'link', 'set', 'lan', 'up')
      // LAN-to-LAN traffic on the bridge must not pass the router's filter.
      await sysctl(router.nat, 'net.bridge.bridge-nf-call-iptables', '0').catch(() => {})
      await applyNatRules(router.nat, router.type)
    }

    const hosts = [
      { host: ns.hostA, nat: ns.natA, addr: LAB_ADDRESSES.hostA, gateway: '10.0.1.1' },
      { host: ns.hostC, nat: ns.natA, addr: LAB_ADDRESSES.hostC, gateway: '10.0.1.1' },
      { host: ns.hostB, nat: ns.natB, addr: LAB_ADDRESSES.hostB, gateway: '10.0.2.1' }
    ]
    for (const { host, nat, addr, gateway } of hosts) {
      const [hostIf, natIf] = await connect(host, nat)
      await ip('-n', host, 'addr', 'add', `${addr}/24`, 'dev', hostIf)
      await ip('-n', host, 'route', 'add', 'default', 'via', gateway)
      await ip('-n', nat, 'link', 'set', natIf, 'master', 'lan')
    }
    if (options.upnpOnNatB === true) await startMiniupnpd(ns.natB, upnpConfig)
  } catch (err) {
    await destroy()
    throw err
  }

  return {
    ns,
    exec: host => ['ip', 'netns', 'exec', ns[host]],
    async flushConntrack (): Promise<void> {
      for (const nat of [ns.natA, ns.natB]) await run('ip', ['netns', 'exec', nat, 'conntrack', '-F']).catch(() => {})
    },
    async shapeServerLink (rateMbit: number): Promise<void> {
      // tbf: this kernel has no netem (DESIGN.md); a queue of 100 ms keeps TCP's losses modest.
      await run('ip', ['netns', 'exec', ns.server, 'tc', 'qdisc', 'replace', 'dev', serverLink, 'root', 'tbf', 'rate', `${rateMbit}mbit`, 'burst', '64kb', 'latency', '100ms'])
    },
    destroy
  }
}

/**
 * A home router: masquerade LAN→WAN, forward only what the LAN started, and drop
 * unsolicited inbound packets (a router that answers them breaks port preservation).
 */
async function applyNatRules (nat: string, type: NatType): Promise<void> {
  const rules = `
table ip lab {
  chain postrouting {
    type nat hook postrouting priority 100;
    oifname "wan" masquerade${type === 'symmetric' ? ' fully-random' : ''}
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    ct status dnat accept
    iifname "lan" oifname "wan" accept
  }
  chain input {
    type filter hook input priority 0; policy accept;
    iifname "wan" ct state new drop
  }
}
`
  await applyRules(nat, rules)
}

async function applyRules (nat: string, rules: string): Promise<void> {
  const child = execFile('ip', ['netns', 'exec', nat, 'nft', '-f', '-'])
  child.stdin?.end(rules)
  await new Promise<void>((resolve, reject) => {
    child.on('exit', code => { code === 0 ? resolve() : reject(new Error(`nft failed in ${nat} (exit ${code})`)) })
    child.on('error', reject)
  })
}

/**
 * miniupnpd as a home router runs it: mappings only for its LAN (secure_mode: a host
 * may only map ports to itself), on the nftables backend, whose chains it expects in
 * an `inet filter` table (Debian's nft_init.sh layout). Resolves once it serves HTTP.
 */
async function startMiniupnpd (nat: string, configPath: string): Promise<void> {
  await applyRules(nat, `
table inet filter {
  chain forward {
    type filter hook forward priority 0; policy accept;
    jump miniupnpd
  }
  chain miniupnpd {
  }
  chain prerouting {
    type nat hook prerouting priority -100; policy accept;
    jump prerouting_miniupnpd
  }
  chain prerouting_miniupnpd {
  }
  chain postrouting {
    type nat hook postrouting priority 100; policy accept;
    jump postrouting_miniupnpd
  }
  chain postrouting_miniupnpd {
  }
}
`)
  await writeFile(configPath, [
    'ext_ifname=wan',
    'listening_ip=lan',
    'port=5000',
    'enable_upnp=yes',
    'enable_natpmp=no',
    'secure_mode=yes',
    'system_uptime=yes',
    `uuid=${randomBytes(16).toString('hex').replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}`,
    'allow 1024-65535 10.0.2.0/24 1024-65535',
    'deny 0-65535 0.0.0.0/0 0-65535',
    ''
  ].join('\n'))
  // -d: stay in the foreground (the lab kills every process in its namespaces on destroy).
  const child = spawn('ip', ['netns', 'exec', nat, MINIUPNPD, '-d', '-f', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
  await new Promise<void>((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => { reject(new Error(`miniupnpd did not start:\n${output}`)) }, 10_000)
    const onData = (data: Buffer): void => {
      output += data.toString()
      if (output.includes('HTTP listening on port')) { clearTimeout(timer); resolve() }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`miniupnpd exited (${code}):\n${output}`)) })
  })
}

/** Why the UPnP part of the lab cannot run here, or undefined when it can. */
export async function miniupnpdUnavailableReason (): Promise<string | undefined> {
  try {
    await run(MINIUPNPD, ['--version'])
    return undefined
  } catch {
    return 'the UPnP lab needs miniupnpd (Debian package miniupnpd-nftables)'
  }
}

/** Why the lab cannot run here, or undefined when it can. */
export async function natLabUnavailableReason (): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'the NAT lab needs Linux network namespaces'
  if (process.getuid?.() !== 0) return 'the NAT lab needs root'
  for (const tool of ['nft', 'conntrack']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`])
    } catch {
      return `the NAT lab needs ${tool} (Debian package ${tool === 'nft' ? 'nftables' : 'conntrack'})`
    }
  }
  return undefined
}
