import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Compile } from 'typebox/compile'
import { DisplayName } from './common-schemas.ts'

const displayName = Compile(DisplayName)

test('display names accept ordinary text in any script', () => {
  for (const name of ['Alice', "Bob's laptop", 'Ünïcödé 文件', 'phone 🎉']) assert.ok(displayName.Check(name), name)
})

test('display names refuse control characters, bidi overrides and blank names', () => {
  for (const name of ['', '   ', 'a\u0000b', 'tab\there', 'c1\u0085x', 'evil\u202Egnp.exe', 'x\u2066y', 'a'.repeat(65)]) {
    assert.ok(!displayName.Check(name), JSON.stringify(name))
  }
})
