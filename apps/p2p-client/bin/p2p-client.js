#!/usr/bin/env node
import module from 'node:module'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
// Runs the bundled build or the TypeScript sources directly (Node's type stripping, Node >= 22.18).
if (process.features.typescript === undefined || process.features.typescript === false) {
  process.stderr.write(`p2p-client needs Node.js 24 (this is ${process.version}); run it with npx from the project, which uses the Node it installs\n`)
  process.exit(1)
}
// glibc hands freed buffers of 128 KiB and more back to the system, and takes them again for
// the next chunk, page fault by page fault: a lane frees each chunk as soon as it is sealed,
// which without these settings cost its sender about 1.1 CPU s/GiB more (bench, 2 GiB sparse
// over a lane: 2.85 against 1.71). Keep up to 32 MiB blocks in malloc's heap, trimmed past
// 64 MiB free. glibc reads them only at start-up, so the bin starts itself again once with
// them (execve: same pid, no parent left waiting, 30–60 ms); settings a user made win. Not
// when started with an IPC channel: execve keeps only the standard streams.
if (typeof process.execve === 'function' && process.platform === 'linux' && process.channel === undefined &&
    process.env.MALLOC_MMAP_THRESHOLD_ === undefined && process.env.MALLOC_TRIM_THRESHOLD_ === undefined &&
    process.report.getReport().header.glibcVersionRuntime !== undefined) {
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      ...process.env, MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '67108864'
    })
  } catch {
    // Could not start again (an unusual sandbox): run as we are, just with more page faults.
  }
}
// Keep V8's young generation at its initial 1 MiB semi-spaces instead of letting it grow
// to 16 MiB: transfers allocate few objects but each holds a big buffer, so collecting
// them sooner frees that memory sooner (bench: peak RSS about 60 MB lower, less CPU per GiB).
setFlagsFromString('--semi-space-growth-factor=1')
// Count buffers' memory in the heap's overall limit instead of starting a full collection
// every few MiB of new buffers: a transfer allocates a buffer per chunk (read, sealed,
// opened) while the heap of live objects stays the same, so those collections found little
// (a 512 MiB send: 48 full collections without, 25 with; bench, 2 GiB sparse over a lane:
// sender 5.04 → 2.07 CPU s/GiB, peak RSS unchanged within noise: 237 → 244 MB).
setFlagsFromString('--external-memory-accounted-in-global-limit')
// Cap the young generation's capacity, which also bounds how many bytes of new buffers V8 lets
// pile up before it runs a young collection (a send's buffers, sampled every 50 ms, peaked at
// 65–80 MB between young collections by default, 20–45 MB with 4). A transfer's buffers live
// for a chunk or two, so a young collection frees nearly all of them; the ones waiting for it
// were most of a transfer's memory.
// Works with the lane's small socket queues (lane/constants.ts): buffers queued longer than
// two such collections would be moved to the old generation, which only full collections free
// (bench, 1 GiB, before/after interleaved twice: the sender's peak RSS direct 224, 220 →
// 169, 161 MB, no lane 216, 198 → 172, 178, relayed 209, 212 → 177, 182; CPU within noise).
setFlagsFromString('--scavenger-max-new-space-capacity-mb=4')
// Reuse the type-stripped sources and V8's compiled code of earlier runs (NODE_COMPILE_CACHE
// picks another folder): a one-shot command starts about 0.3 s sooner and never loads the
// TypeScript stripper (about 15 MB less memory). Entries are keyed by each file's content,
// so an edited source is compiled afresh; a cache that cannot be written is skipped.
module.enableCompileCache(join(userCacheDir(), 'compile-cache'))
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }
// The standard streams' handles count as active resources but never hold the process open.
const stdioResourceCount = process.getActiveResourcesInfo().filter(resource => resource !== 'Timeout').length
// The bundled build while it matches the sources (npm run build), else the sources themselves.
const { pickEntry } = await import('./pick-entry.ts')
const { main } = await import(pickEntry().url)
process.exitCode = await main(process.argv.slice(2), io)
// The command has closed what it opened; libp2p 3.3's stop() leaves a 1 s address-manager
// timer armed that would hold every send/receive open for a second more. Exit as soon as
// nothing but timers is left (closing sockets, file writes and output have finished), and
// after EXIT_GRACE_MS at the latest (the poll is unref'd: nothing waits for it otherwise).
const EXIT_GRACE_MS = 100
const EXIT_POLL_MS = 5
const exitByMs = Date.now() + EXIT_GRACE_MS
const isOnlyTimersLeft = () => process.getActiveResourcesInfo().filter(resource => resource !== 'Timeout').length <= stdioResourceCount
setInterval(() => {
  if (Date.now() >= exitByMs || isOnlyTimersLeft()) process.exit()
}, EXIT_POLL_MS).unref()

/**
 * The platform's per-user cache folder. Not the shared OS temp dir: code read from a folder
 * other users can write to would run as this user.
 */
function userCacheDir () {
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local'), 'P2P File Transfer', 'Cache')
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'P2P File Transfer')
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'p2p-file-transfer')
}
