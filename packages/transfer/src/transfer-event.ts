import type { Logger } from 'pino'
import type { ClientEventOf } from '@p2pft/protocol'

export type TransferEvent =
  | ClientEventOf<'progress'> | ClientEventOf<'file-complete'> | ClientEventOf<'done'>

/**
 * Wraps the caller's event callback so a throwing listener (a closed UI socket, say)
 * degrades to a warning instead of breaking a transfer that is otherwise fine.
 */
export function createEventSink (log: Logger, onEvent?: (event: TransferEvent) => void): (event: TransferEvent) => void {
  return (event) => {
    if (onEvent === undefined) return
    try {
      onEvent(event)
    } catch (err) {
      log.warn({ err, event: event.event }, 'transfer event listener threw')
    }
  }
}
