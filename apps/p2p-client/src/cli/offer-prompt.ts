import { createInterface } from 'node:readline/promises'
import type { OfferDecision } from '@p2pft/transfer'
import { OFFER_ANSWER_TIMEOUT_MS } from '../constants.ts'
import type { CommandIo } from './command-context.ts'

/**
 * Asks the person at the terminal about each offer, one at a time. Without a terminal
 * nobody can answer, so offers are declined with a reason the sender will see.
 */
export function createOfferPrompt (io: CommandIo): () => Promise<OfferDecision> {
  let queue: Promise<unknown> = Promise.resolve()
  return async () => {
    if (io.stdin.isTTY !== true) {
      return { accept: false, code: 'TRANSFER_DECLINED', message: 'the receiver cannot be asked (no terminal); it must run with --yes or --auto-accept' }
    }
    const ask = async (): Promise<OfferDecision> => {
      const rl = createInterface({ input: io.stdin, output: io.stdout })
      try {
        const answer = await rl.question('Accept? [y/N] ', { signal: AbortSignal.timeout(OFFER_ANSWER_TIMEOUT_MS) })
        return /^y(es)?$/i.test(answer.trim())
          ? { accept: true }
          : { accept: false, code: 'TRANSFER_DECLINED', message: 'the receiver declined the files' }
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err
        io.stdout.write('\nNo answer; declined.\n')
        return { accept: false, code: 'TRANSFER_TIMEOUT', message: `nobody answered the offer within ${OFFER_ANSWER_TIMEOUT_MS / 60_000} minutes` }
      } finally {
        rl.close()
      }
    }
    const decision = queue.then(ask)
    queue = decision.catch(() => {})
    return await decision
  }
}
