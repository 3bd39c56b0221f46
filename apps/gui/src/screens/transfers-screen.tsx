import type { ReactNode } from 'react'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { TransferView } from '@p2pft/protocol'
import type { RunAction } from '../app.tsx'
import { Avatar } from '../components/avatar.tsx'
import { ProgressBar } from '../components/progress-bar.tsx'
import { formatBytes, formatEta, formatSpeed } from '../format-units.ts'
import { connectionLabel } from '../connection-label.ts'

const STATUS_TEXT: Record<TransferView['status'], string> = {
  preparing: 'Reading the files…',
  connecting: 'Connecting…',
  waiting: 'Waiting for an answer…',
  transferring: 'Transferring',
  paused: 'Paused',
  completed: 'Completed',
  declined: 'Declined',
  cancelled: 'Cancelled',
  failed: 'Failed'
}

/** Running, paused, or stopped but resumable: all can be cancelled. */
function isCancellable (transfer: TransferView): boolean {
  return transfer.resumable === true || !['completed', 'declined', 'cancelled', 'failed'].includes(transfer.status)
}

/** What the status line says; a pause names who we wait for. */
function statusText (transfer: TransferView): string {
  if (transfer.status === 'paused') return `Paused — waiting for ${transfer.peer.name}`
  if (transfer.status === 'failed' && transfer.resumable === true) return 'Stopped'
  return STATUS_TEXT[transfer.status]
}

/** A short title: the one name, or the first and a count. */
export function transferTitle (names: string[]): string {
  if (names.length <= 1) return names[0] ?? 'files'
  return `${names[0] ?? ''} and ${names.length - 1} more`
}

/** Transfers in progress and just finished, with progress, speed, time left and cancel. */
export function TransfersScreen ({ client, transfers, run }: { client: DaemonClient, transfers: TransferView[], run: RunAction }): ReactNode {
  return (
    <section aria-labelledby='transfers-title'>
      <h1 id='transfers-title'>Transfers</h1>
      {transfers.length === 0
        ? <p className='empty'>Nothing is being sent or received. Finished transfers are listed in History.</p>
        : (
          <ul className='transfer-list' aria-label='Transfers'>
            {transfers.map(transfer => {
              const title = transferTitle(transfer.names)
              const direction = transfer.direction === 'send' ? `to ${transfer.peer.name}` : `from ${transfer.peer.name}`
              const shownBytes = transfer.status === 'completed' ? Math.max(transfer.bytes, transfer.totalBytes) : transfer.bytes
              return (
                <li key={transfer.id} className='transfer' aria-label={`${title} ${direction}`}>
                  <Avatar peerId={transfer.peer.peerId} name={transfer.peer.name} />
                  <div className='transfer-body'>
                    <div className='transfer-head'>
                      <span className='file-name'>{title}</span>
                      <span className='muted'>{transfer.direction === 'send' ? '↑' : '↓'} {direction}</span>
                    </div>
                    <ProgressBar label={`Progress of ${title} ${direction}`} bytes={transfer.status === 'completed' ? 1 : shownBytes} total={transfer.status === 'completed' ? 1 : transfer.totalBytes} />
                    <div className='transfer-meta small'>
                      <span className={`status status-${transfer.status}`}>{statusText(transfer)}</span>
                      <span>{formatBytes(shownBytes)}{transfer.totalBytes > 0 ? ` of ${formatBytes(transfer.totalBytes)}` : ''}</span>
                      {transfer.status === 'transferring' && <span>{formatSpeed(transfer.bytesPerSecond)}</span>}
                      {transfer.status === 'transferring' && <span>{formatEta(transfer.etaSeconds)}</span>}
                      {transfer.connection !== undefined && <span className='tag'>{connectionLabel(transfer.connection, transfer.connectionRoute)}</span>}
                    </div>
                    {transfer.error !== undefined && transfer.status !== 'completed' && (
                      <p className='error-text' role='alert'>{describeError(transfer)}</p>
                    )}
                  </div>
                  {transfer.resumable === true && (
                    <button type='button' className='button' aria-label={`Resume ${title} ${direction}`} onClick={() => { void run(async () => { await client.resume(transfer.id) }) }}>
                      Resume
                    </button>
                  )}
                  {isCancellable(transfer) && (
                    <button type='button' className='button secondary' aria-label={`Cancel ${title} ${direction}`} onClick={() => { void run(async () => { await client.cancel(transfer.id) }) }}>
                      Cancel
                    </button>
                  )}
                </li>
              )
            })}
          </ul>
          )}
    </section>
  )
}

/** The engine's message, in a sentence that says who. */
function describeError (transfer: TransferView): string {
  const message = transfer.error?.message ?? ''
  if (transfer.status === 'declined') return `${transfer.peer.name} declined: ${message}`
  if (transfer.status === 'paused') return `Connection lost (${message}); resumes by itself when ${transfer.peer.name} is back.`
  const sentence = message.charAt(0).toUpperCase() + message.slice(1)
  return sentence.endsWith('.') ? sentence : `${sentence}.`
}
