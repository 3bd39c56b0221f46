import { test } from 'node:test'
import { jsonFuzzTarget } from './fuzz-targets.ts'
import { fuzzTestCase } from './fuzz-test-case.ts'

for (const name of ['offer', 'offer-response', 'file-end', 'file-result', 'done', 'complete', 'abort', 'keepalive', 'chunk-ack']) {
  test(`the ${name} decoder accepts or refuses 100,000 hostile JSON bodies with PROTOCOL_INVALID_MESSAGE only`, async (t) => {
    await fuzzTestCase(t, await jsonFuzzTarget(name))
  })
}
