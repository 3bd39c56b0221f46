#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8'
// The relay forwards a relayed transfer's bytes: a new buffer per TLS record in and out,
// each alive for a moment. The same V8 settings as the client's (see its bin for each one's
// reason): young collections free them while they are young, and their memory no longer
// starts a full collection every few MiB. Bench `--only relayed --size 512MiB`, two
// interleaved pairs: the relay's CPU 8.7, 9.4 → 6.8, 7.1 s/GiB; relayed 101, 100 → 112, 114 MB/s.
setFlagsFromString('--semi-space-growth-factor=1')
setFlagsFromString('--external-memory-accounted-in-global-limit')
setFlagsFromString('--scavenger-max-new-space-capacity-mb=4')
// Node 24 runs the TypeScript sources directly (type stripping): no build step.
// process.exit, because libp2p may leave timers behind once everything is closed.
const { main } = await import('../src/main.ts')

process.exit(await main(process.argv.slice(2), process.env))
