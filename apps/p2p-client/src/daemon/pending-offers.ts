import type { PendingOfferView } from '@p2pft/protocol'
import type { OfferDecision } from '@p2pft/transfer'
import { OFFER_ANSWER_TIMEOUT_MS } from '../constants.ts'

interface Pending {
  view: PendingOfferView
  resolve: (decision: OfferDecision) => void
  timer: NodeJS.Timeout
}

export interface PendingOffers {
  /** Waits for a person's answer (through the API), or declines after `timeoutMs`. */
  ask: (view: PendingOfferView) => Promise<OfferDecision>
  /** False when no offer with that id is waiting (answered, timed out, or unknown). */
  answer: (id: string, decision: OfferDecision) => boolean
  get: (id: string) => PendingOfferView | undefined
  list: () => PendingOfferView[]
  declineAll: (decision: OfferDecision) => void
}

export interface PendingOffersOptions {
  /** Called when the set of waiting offers changes. */
  onChange: () => void
  /** @default OFFER_ANSWER_TIMEOUT_MS */
  timeoutMs?: number
}

/** Offers waiting for the person at the GUI: the receiver's `decide` awaits them here. */
export function createPendingOffers (options: PendingOffersOptions): PendingOffers {
  const pending = new Map<string, Pending>()
  const timeoutMs = options.timeoutMs ?? OFFER_ANSWER_TIMEOUT_MS

  const answer = (id: string, decision: OfferDecision): boolean => {
    const entry = pending.get(id)
    if (entry === undefined) return false
    pending.delete(id)
    clearTimeout(entry.timer)
    entry.resolve(decision)
    options.onChange()
    return true
  }

  return {
    async ask (view): Promise<OfferDecision> {
      const { promise, resolve } = Promise.withResolvers<OfferDecision>()
      const timer = setTimeout(() => {
        answer(view.id, { accept: false, code: 'TRANSFER_TIMEOUT', message: `nobody answered the offer within ${Math.round(timeoutMs / 60_000)} minutes` })
      }, timeoutMs)
      timer.unref()
      pending.set(view.id, { view, resolve, timer })
      options.onChange()
      return await promise
    },
    answer,
    get: id => pending.get(id)?.view,
    list: () => [...pending.values()].map(entry => entry.view),
    declineAll (decision): void {
      for (const id of [...pending.keys()]) answer(id, decision)
    }
  }
}
