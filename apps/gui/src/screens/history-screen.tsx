import { useEffect, useState, type ReactNode } from 'react'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { HistoryEntryView } from '@p2pft/protocol'
import type { RunAction } from '../app.tsx'
import { formatBytes, formatDuration, formatSpeed, formatTime } from '../format-units.ts'
import { transferTitle } from './transfers-screen.tsx'

const RESULT_TEXT: Record<HistoryEntryView['result'], string> = {
  completed: 'Completed',
  declined: 'Declined',
  cancelled: 'Cancelled',
  failed: 'Failed'
}

/** Finished transfers (kept in the daemon's SQLite history), newest first. */
export function HistoryScreen ({ client, revision, run }: { client: DaemonClient, revision: number, run: RunAction }): ReactNode {
  const [entries, setEntries] = useState<HistoryEntryView[] | undefined>(undefined)
  const [confirming, setConfirming] = useState(false)

  useEffect(() => {
    let current = true
    void run(async () => {
      const history = await client.history()
      if (current) setEntries(history.entries)
    })
    return () => { current = false }
  }, [client, revision, run])

  return (
    <section aria-labelledby='history-title'>
      <div className='section-head'>
        <h1 id='history-title'>History</h1>
        {entries !== undefined && entries.length > 0 && (confirming
          ? (
            <span className='confirm'>
              Clear the whole history?
              <button type='button' className='button danger' onClick={() => { setConfirming(false); void run(async () => { await client.clearHistory(); setEntries([]) }) }}>Yes, clear</button>
              <button type='button' className='button secondary' onClick={() => { setConfirming(false) }}>Keep</button>
            </span>
            )
          : <button type='button' className='button secondary' onClick={() => { setConfirming(true) }}>Clear history</button>)}
      </div>
      {entries === undefined
        ? <p className='muted'>Loading…</p>
        : entries.length === 0
          ? <p className='empty'>No transfers yet. Everything you send or receive is listed here.</p>
          : (
            <table className='history'>
              <thead>
                <tr>
                  <th scope='col'>Time</th>
                  <th scope='col'>Direction</th>
                  <th scope='col'>Device</th>
                  <th scope='col'>Files</th>
                  <th scope='col'>Size</th>
                  <th scope='col'>Duration</th>
                  <th scope='col'>Average speed</th>
                  <th scope='col'>Result</th>
                  <th scope='col'><span className='visually-hidden'>Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {entries.map(entry => (
                  <tr key={entry.id}>
                    <td>{formatTime(entry.startedAtMs)}</td>
                    <td>{entry.direction === 'send' ? 'Sent' : 'Received'}</td>
                    <td>{entry.peer.name}</td>
                    <td title={entry.names.join('\n')}>{transferTitle(entry.names)}{entry.fileCount > 1 ? ` (${entry.fileCount} files)` : ''}</td>
                    <td>{formatBytes(entry.totalBytes)}</td>
                    <td>{formatDuration(entry.durationMs)}</td>
                    <td>{entry.result === 'completed' ? formatSpeed(entry.bytesPerSecond) : '—'}</td>
                    <td title={entry.error?.message}>{RESULT_TEXT[entry.result]}</td>
                    <td>
                      {entry.savedTo !== undefined && entry.result === 'completed' && (
                        <button type='button' className='link' aria-label={`Open the folder of ${transferTitle(entry.names)}`} onClick={() => { void run(async () => { await client.openHistoryFolder(entry.id) }) }}>
                          Open folder
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            )}
    </section>
  )
}
