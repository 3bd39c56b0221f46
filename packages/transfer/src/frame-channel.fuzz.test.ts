import { test } from 'node:test'
import { pino } from 'pino'
import { AppError, ERROR_CODES, FRAME_HEADER_BYTES, FRAME_TYPE, isAppError } from '@p2pft/protocol'
import { createSeededRandom, encodeFrameView, fuzzTestCase, readTargetCorpus, toFrameView, type FrameView } from '@p2pft/protocol/fuzz'
import { createFrameChannel } from './frame-channel.ts'
import { createMemoryStreamPair } from './memory-stream.ts'

const log = pino({ level: 'silent' })

/**
 * Plays `input` as a peer would send it, in a few pieces, then closes; reads frames
 * until the channel stops. A stream that ends (cleanly or mid-frame) gives the frames
 * read so far; bad bytes and abort frames reject with their AppError.
 */
async function readAllFrames (input: Uint8Array): Promise<FrameView[]> {
  const [peer, ours] = createMemoryStreamPair()
  const channel = createFrameChannel({ stream: ours, log })
  const cuts = createSeededRandom(input.byteLength)
  const writing = (async () => {
    for (let at = 0; at < input.byteLength;) {
      const end = Math.min(input.byteLength, at + 1 + cuts.int(input.byteLength))
      await peer.write(input.subarray(at, end))
      at = end
    }
    await peer.closeWrite()
  })()
  writing.catch(() => {})
  const frames: FrameView[] = []
  try {
    for (;;) frames.push(toFrameView(await channel.read()))
  } catch (err) {
    if (isAppError(err, 'TRANSFER_PEER_GONE')) return frames
    throw err
  } finally {
    channel.interrupt(new AppError('TRANSFER_CANCELLED', 'fuzz input done'))
    ours.abort(new Error('fuzz input done'))
  }
}

test('the frame channel reads 100,000 mutated byte streams to frames, a typed error or a clean end, never a hang', async (t) => {
  const corpus = await readTargetCorpus('transfer-frames')
  // A stream that starts with an abort frame is refused by design (with the peer's code): not a seed that must read.
  const startsWithAbort = (bytes: Uint8Array): boolean => bytes[FRAME_HEADER_BYTES - 1] === FRAME_TYPE.abort
  await fuzzTestCase(t, {
    name: 'frame-channel',
    seeds: corpus.valid.filter(bytes => !startsWithAbort(bytes)),
    regressions: [...corpus.found, ...corpus.valid.filter(startsWithAbort)],
    mutation: 'bytes',
    decode: readAllFrames,
    encode: frames => Buffer.concat(frames.map(encodeFrameView)),
    // An abort frame may carry any code (unknown ones become TRANSFER_CANCELLED); INTERNAL_ERROR only from a bug.
    codes: ERROR_CODES.filter(code => code !== 'INTERNAL_ERROR')
  })
})
