import type { ClientEvent } from '@p2pft/protocol'
import { formatBytes, formatConnection, formatProgressLine, formatSpeed } from './human-format.ts'

export type Report = (event: ClientEvent) => void

/**
 * One JSON object per line: the contract scripts rely on. Lines reported in one turn of the
 * event loop go out in one write: stdout to a pipe is written synchronously, one system call
 * per write, and a folder of 10,000 small files reports a line per file (about 300 ms of the
 * receiver's main thread). Corking the stream keeps the order of every write to it.
 */
export function createJsonReporter (out: NodeJS.WritableStream & { cork?: () => void, uncork?: () => void }): Report {
  let isCorked = false
  return (event) => {
    if (!isCorked && out.cork !== undefined && out.uncork !== undefined) {
      const uncork = out.uncork.bind(out)
      out.cork()
      isCorked = true
      process.nextTick(() => {
        isCorked = false
        uncork()
      })
    }
    out.write(JSON.stringify(event) + '\n')
  }
}

/**
 * Readable lines for people. On a terminal the progress bar redraws in place; in a
 * pipe it prints at most one progress line per second.
 */
export function createHumanReporter (out: NodeJS.WritableStream & { isTTY?: boolean }): Report {
  const isTty = out.isTTY === true
  let progressShown = false
  let lastPipeProgressMs = 0
  let lastProgressBytes = -1

  const line = (text: string): void => {
    if (progressShown && isTty) out.write('\n')
    progressShown = false
    out.write(text + '\n')
  }

  return (event) => {
    switch (event.event) {
      case 'listening':
        line(`${event.name} is online (${event.peerId})${event.server === undefined ? ' on the LAN' : ` via ${event.server}`}`)
        return
      case 'peer-online':
        line(`+ ${event.name}  ${event.peerId}  (${event.via.join(', ')})`)
        return
      case 'peer-offline':
        line(`- ${event.name} went offline`)
        return
      case 'offer':
        line(`${event.from.name} (${event.from.peerId.slice(-8)}) offers ${event.fileCount} file(s), ${formatBytes(event.totalBytes)}:`)
        for (const entry of event.files.slice(0, 10)) line(`    ${entry.path}${entry.kind === 'directory' ? '/' : `  ${formatBytes(entry.size)}`}`)
        if (event.files.length > 10) line(`    … and ${event.files.length - 10} more`)
        return
      case 'accepted':
        line('Transfer accepted')
        return
      case 'declined':
        line(`Declined: ${event.message}`)
        return
      case 'connection':
        line(`Connected to ${event.peer.name}: ${formatConnection(event)} (${event.transport})`)
        return
      case 'progress': {
        if (event.bytes === lastProgressBytes) return
        lastProgressBytes = event.bytes
        const text = formatProgressLine(event.bytes, event.total, event.bytesPerSecond, event.etaSeconds)
        if (isTty) {
          out.write(`\r${text}`)
          progressShown = true
        } else if (Date.now() - lastPipeProgressMs >= 1000 || event.bytes === event.total) {
          lastPipeProgressMs = Date.now()
          out.write(text + '\n')
        }
        return
      }
      case 'file-complete':
        return
      case 'done': {
        const speed = event.durationMs > 0 ? formatSpeed(event.bytes / (event.durationMs / 1000)) : ''
        const where = event.savedTo === undefined ? '' : ` to ${event.savedTo}`
        line(`Done: ${event.files} file(s), ${formatBytes(event.bytes)} in ${(event.durationMs / 1000).toFixed(1)} s (${speed}) — verified${where}`)
        return
      }
      case 'retrying':
        line(`Connection lost (${event.reason.message}); retrying in ${Math.ceil(event.inMs / 1000)} s — the transfer resumes where it stopped`)
        return
      case 'error':
        line(`Error: ${event.message} [${event.code}]`)
    }
  }
}
