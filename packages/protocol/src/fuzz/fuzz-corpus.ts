import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The corpus, in the package's test fixtures: one folder per fuzz target. */
export const FUZZ_CORPUS_DIR = fileURLToPath(new URL('../../test/fixtures/fuzz-corpus/', import.meta.url))

/**
 * One target's corpus. `valid-*` files are seeds (must decode); `found-*` files are inputs
 * that once broke a decoder (must now be handled). `.json` files hold the bytes as they
 * are, `.hex` files hold them as hex text (binary frames, invalid UTF-8).
 */
export interface TargetCorpus {
  valid: Uint8Array[]
  found: Uint8Array[]
}

function fromFile (name: string, content: Buffer): Uint8Array {
  return name.endsWith('.hex') ? Buffer.from(content.toString('utf8').replace(/\s+/g, ''), 'hex') : content
}

export async function readTargetCorpus (target: string, dir = FUZZ_CORPUS_DIR): Promise<TargetCorpus> {
  const folder = join(dir, target)
  const names = (await readdir(folder)).sort()
  const corpus: TargetCorpus = { valid: [], found: [] }
  for (const name of names) {
    const bytes = fromFile(name, await readFile(join(folder, name)))
    if (name.startsWith('valid-')) corpus.valid.push(bytes)
    else if (name.startsWith('found-')) corpus.found.push(bytes)
  }
  if (corpus.valid.length === 0) throw new Error(`no valid-* seeds for fuzz target ${target} in ${folder}`)
  return corpus
}

/** Saves one corpus file: hex for binary input, as-is for JSON text. */
export async function writeCorpusFile (target: string, name: string, bytes: Uint8Array, dir = FUZZ_CORPUS_DIR): Promise<void> {
  await mkdir(join(dir, target), { recursive: true })
  const content = name.endsWith('.hex') ? Buffer.from(bytes).toString('hex').replace(/(.{64})/g, '$1\n') + '\n' : bytes
  await writeFile(join(dir, target, name), content)
}
