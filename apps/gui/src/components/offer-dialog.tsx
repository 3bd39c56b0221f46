import { useEffect, useId, useRef, useState, type ReactNode } from 'react'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { PendingOfferView } from '@p2pft/protocol'
import type { RunAction } from '../app.tsx'
import { formatBytes } from '../format-units.ts'
import { Avatar } from './avatar.tsx'

/** Most files listed in the prompt; the rest are counted. */
const MAX_LISTED_FILES = 50

/** The receiver's prompt: who sends what and how big; Accept or Decline. */
export function OfferDialog ({ client, offer, run }: { client: DaemonClient, offer: PendingOfferView, run: RunAction }): ReactNode {
  const titleId = useId()
  const accept = useRef<HTMLButtonElement>(null)
  const [always, setAlways] = useState(false)
  const [busy, setBusy] = useState(false)
  const files = offer.files.filter(entry => entry.kind === 'file')

  useEffect(() => { accept.current?.focus() }, [])

  const answer = async (yes: boolean): Promise<void> => {
    setBusy(true)
    await run(async () => { await (yes ? client.acceptOffer(offer.id, always) : client.declineOffer(offer.id)) })
    setBusy(false)
  }

  return (
    <div className='overlay'>
      <div
        className='dialog'
        role='dialog'
        aria-modal='true'
        aria-labelledby={titleId}
        onKeyDown={(event) => { if (event.key === 'Escape') void answer(false) }}
      >
        <div className='dialog-header'>
          <Avatar peerId={offer.from.peerId} name={offer.from.name} />
          <div>
            <h2 id={titleId}>{offer.from.name} wants to send you {offer.fileCount === 1 ? '1 file' : `${offer.fileCount} files`}</h2>
            <p className='muted small'>
              {offer.paired === true ? 'Paired device · ' : ''}Fingerprint <span className='mono' aria-label='Fingerprint of the sender'>{offer.fingerprint ?? offer.from.peerId}</span>
            </p>
          </div>
        </div>
        <ul className='file-list' aria-label='Offered files'>
          {files.slice(0, MAX_LISTED_FILES).map(entry => (
            <li key={entry.path}><span className='file-name'>{entry.path}</span><span className='muted'>{formatBytes(entry.size)}</span></li>
          ))}
          {files.length > MAX_LISTED_FILES && <li className='muted'>… and {files.length - MAX_LISTED_FILES} more</li>}
        </ul>
        <p className='total'>Total: <strong>{formatBytes(offer.totalBytes)}</strong></p>
        <label className='checkbox'>
          <input type='checkbox' checked={always} onChange={(event) => { setAlways(event.target.checked) }} />
          Always accept from this device
        </label>
        <div className='dialog-actions'>
          <button type='button' className='button secondary' disabled={busy} onClick={() => { void answer(false) }}>Decline</button>
          <button type='button' className='button' ref={accept} disabled={busy} onClick={() => { void answer(true) }}>Accept</button>
        </div>
      </div>
    </div>
  )
}
