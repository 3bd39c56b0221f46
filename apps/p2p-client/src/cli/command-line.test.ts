import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isAppError } from '@p2pft/protocol'
import { parseCommandLine, secondsFlagMs, stringFlag } from './command-line.ts'

test('parses the send contract: flags and paths', () => {
  const parsed = parseCommandLine(['send', '--to', 'Bob', '--server', 'http://h:1', '--json', 'a.txt', 'dir'])
  assert.ok(parsed !== 'help')
  assert.equal(parsed.command, 'send')
  assert.equal(stringFlag(parsed, 'to'), 'Bob')
  assert.equal(parsed.values.json, true)
  assert.deepEqual(parsed.positionals, ['a.txt', 'dir'])
})

test('unknown commands, unknown flags and stray paths are CLI_INVALID_ARGUMENTS', () => {
  for (const argv of [['fly'], ['send', '--too', 'Bob'], ['receive', 'file.txt'], ['peers', '--server']]) {
    assert.throws(() => parseCommandLine(argv), (err: unknown) => isAppError(err, 'CLI_INVALID_ARGUMENTS'), argv.join(' '))
  }
})

test('help is recognised everywhere', () => {
  assert.equal(parseCommandLine([]), 'help')
  assert.equal(parseCommandLine(['--help']), 'help')
  assert.equal(parseCommandLine(['send', '--help']), 'help')
})

test('seconds flags must be positive numbers', () => {
  const parsed = parseCommandLine(['send', '--wait', 'soon'])
  assert.ok(parsed !== 'help')
  assert.throws(() => secondsFlagMs(parsed, 'wait', 1000), (err: unknown) => isAppError(err, 'CLI_INVALID_ARGUMENTS'))
  const ok = parseCommandLine(['send', '--wait', '2.5'])
  assert.ok(ok !== 'help')
  assert.equal(secondsFlagMs(ok, 'wait', 1000), 2500)
})
