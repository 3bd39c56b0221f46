import { test } from 'node:test'
import { jsonFuzzTarget } from './fuzz-targets.ts'
import { fuzzTestCase } from './fuzz-test-case.ts'

for (const name of ['api-settings-update', 'api-send', 'api-upload-file-list', 'api-accept-offer', 'api-id-params', 'api-upload-query']) {
  test(`the local API's ${name} schema accepts or refuses 100,000 hostile bodies with API_INVALID_REQUEST only`, async (t) => {
    await fuzzTestCase(t, await jsonFuzzTarget(name))
  })
}
