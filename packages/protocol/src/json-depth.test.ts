import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exceedsJsonDepth } from './json-depth.ts'

test('counts nesting of arrays and objects, not brackets inside strings or escaped quotes', () => {
  assert.equal(exceedsJsonDepth('[[{"a":[1]}]]', 4), false)
  assert.equal(exceedsJsonDepth('[[{"a":[1]}]]', 3), true)
  assert.equal(exceedsJsonDepth('["[[[[", {"k\\"[[[": "]]]]\\\\"}]', 2), false)
  assert.equal(exceedsJsonDepth('"[[[["', 0), false)
  assert.equal(exceedsJsonDepth('', 0), false)
})
