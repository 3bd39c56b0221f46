#!/usr/bin/env node
// Runs the TypeScript sources directly (Node's type stripping, Node >= 22.18).
if (process.features.typescript === undefined || process.features.typescript === false) {
  process.stderr.write(`p2p-client needs Node.js 24 (this is ${process.version}); run it with npx from the project, which uses the Node it installs\n`)
  process.exit(1)
}
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env })
