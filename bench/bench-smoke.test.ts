import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const BENCH = fileURLToPath(new URL('./run-bench.ts', import.meta.url))

// Keeps `npm run bench` from rotting: every case runs once on small data and each copy is
// verified by the benchmark itself. Speeds are results, not assertions.
test('the benchmark runs every case end to end on a small file', async () => {
  const { stdout } = await run(process.execPath, [BENCH, '--size', '16MiB', '--runs', '1', '--small-files', '200', '--json'], { maxBuffer: 16 * 1024 * 1024 })
  const report = JSON.parse(stdout) as { cases: Array<{ id: string, skipped: string | null, runs: unknown[] }> }
  const ran = report.cases.filter(c => c.skipped === null).map(c => c.id)
  for (const id of ['raw', 'stack', 'nolane', 'ours', 'relayed', 'small']) assert.ok(ran.includes(id), `${id} ran`)
  for (const c of report.cases) if (c.skipped === null) assert.equal(c.runs.length, 1, `${c.id} has its run`)
})
