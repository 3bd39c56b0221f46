import { JSON_SEEDS, frameSeeds } from './seed-corpus.ts'
import { writeCorpusFile } from './fuzz-corpus.ts'

/**
 * Rewrites the `valid-*` seed files of the fuzz corpus from the real encoders (run after a
 * message changes): `npx node packages/protocol/src/fuzz/write-seed-corpus.ts`. `found-*` files stay.
 */
const encoder = new TextEncoder()
for (const [target, seeds] of Object.entries(JSON_SEEDS)) {
  for (const [name, message] of Object.entries(seeds)) {
    await writeCorpusFile(target, `valid-${name}.json`, encoder.encode(JSON.stringify(message) + '\n'))
  }
}
for (const [name, bytes] of Object.entries(frameSeeds())) await writeCorpusFile('transfer-frames', `valid-${name}.hex`, bytes)
