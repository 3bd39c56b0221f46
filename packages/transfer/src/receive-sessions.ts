import { AppError } from '@p2pft/protocol'

/**
 * The receiver's transfers in progress, by resume key. When a sender reconnects while
 * the receiver still holds the old stream (it has not noticed the drop yet), the old one
 * is stopped as gone and has saved its state before the new one reads it.
 */
export interface ReceiveSessions {
  /** Stops any session holding `key`, waits until it let go, and registers `stop` for it. Returns the release. */
  take: (key: string, stop: (err: AppError) => void) => Promise<() => void>
}

export function createReceiveSessions (): ReceiveSessions {
  const held = new Map<string, { stop: (err: AppError) => void, released: Promise<void> }>()
  return {
    async take (key, stop) {
      for (let previous = held.get(key); previous !== undefined; previous = held.get(key)) {
        previous.stop(new AppError('TRANSFER_PEER_GONE', 'the sender reconnected on a new stream'))
        await previous.released
      }
      const { promise, resolve } = Promise.withResolvers<void>()
      const session = { stop, released: promise }
      held.set(key, session)
      return () => {
        if (held.get(key) === session) held.delete(key)
        resolve()
      }
    }
  }
}
