import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderTerminalQrCode } from './terminal-qr-code.ts'

test('draws a square QR code with two module rows per line', () => {
  const lines = renderTerminalQrCode('417-392-881').split('\n')
  const width = lines[0]?.length ?? 0
  // Version 1 is 21 modules, plus a quiet zone of 2 on each side: 25 columns, 13 lines.
  assert.equal(width, 25)
  assert.equal(lines.length, Math.ceil(width / 2))
  assert.ok(lines.every(line => line.length === width))
  assert.match(lines[0] ?? '', /^█+$/, 'the quiet zone is light')
  assert.notEqual(renderTerminalQrCode('417-392-881'), renderTerminalQrCode('417-392-882'))
})
