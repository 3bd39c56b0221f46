import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MAX_NAME_BYTES } from '@p2pft/protocol'
import { toNameKey, toNumberedName, toSafeName } from './safe-name.ts'

test('characters Windows refuses become underscores', () => {
  assert.equal(toSafeName('a<b>c:d"e|f?g*h.txt'), 'a_b_c_d_e_f_g_h.txt')
})

test('Windows reserved names get an underscore whatever the case or extension', () => {
  assert.equal(toSafeName('CON'), 'CON_')
  assert.equal(toSafeName('con.txt'), 'con_.txt')
  assert.equal(toSafeName('Lpt9.tar.gz'), 'Lpt9_.tar.gz')
  assert.equal(toSafeName('nul .txt'), 'nul _.txt')
  assert.equal(toSafeName('console.txt'), 'console.txt')
  assert.equal(toSafeName('COM10'), 'COM10')
})

test('trailing dots and spaces get an underscore', () => {
  assert.equal(toSafeName('name.'), 'name._')
  assert.equal(toSafeName('name '), 'name _')
  assert.equal(toSafeName('...'), '..._')
})

test('grown names still fit the byte limit', () => {
  const long = 'é'.repeat(127) + '.'
  const safe = toSafeName(long)
  assert.ok(Buffer.byteLength(safe) <= MAX_NAME_BYTES)
  assert.ok(safe.endsWith('_'))
  const numbered = toNumberedName('x'.repeat(251) + '.txt', 12, 'file')
  assert.equal(Buffer.byteLength(numbered), MAX_NAME_BYTES)
  assert.ok(numbered.endsWith(' (12).txt'))
})

test('numbered names put the number before the extension of files only', () => {
  assert.equal(toNumberedName('report.final.pdf', 1, 'file'), 'report.final (1).pdf')
  assert.equal(toNumberedName('.bashrc', 2, 'file'), '.bashrc (2)')
  assert.equal(toNumberedName('photos.2024', 1, 'directory'), 'photos.2024 (1)')
  assert.equal(toNumberedName('a.txt', 0, 'file'), 'a.txt')
})

test('name keys ignore case, Unicode normalisation and Windows renaming', () => {
  assert.equal(toNameKey('Ä.TXT'), toNameKey('a\u0308.txt'))
  assert.equal(toNameKey('a:b'), toNameKey('a_b'))
  assert.notEqual(toNameKey('a.txt'), toNameKey('b.txt'))
})
