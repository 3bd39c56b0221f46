import { test } from 'node:test'
import { jsonFuzzTarget } from './fuzz-targets.ts'
import { fuzzTestCase } from './fuzz-test-case.ts'

for (const name of ['client-to-signal', 'signal-to-client', 'hole-punch', 'info-response', 'lane-response', 'observed-address']) {
  test(`the ${name} decoder accepts or refuses 100,000 hostile JSON messages with a typed error only`, async (t) => {
    await fuzzTestCase(t, await jsonFuzzTarget(name))
  })
}
