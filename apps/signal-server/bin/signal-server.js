#!/usr/bin/env node
// Node 24 runs the TypeScript sources directly (type stripping): no build step.
// process.exit, because libp2p may leave timers behind once everything is closed.
import { main } from '../src/main.ts'

process.exit(await main(process.argv.slice(2), process.env))
