import { useRef, useState, type DragEvent, type ReactNode } from 'react'
import type { PeerView } from '@p2pft/protocol'
import { collectDroppedFiles, filesFromInput } from '../dropped-files.ts'
import { connectionLabel } from '../connection-label.ts'
import { Avatar } from './avatar.tsx'
import type { UploadItem } from '@p2pft/daemon-client'

const VIA_LABELS: Record<PeerView['via'][number], string> = {
  lan: 'This LAN',
  network: 'Same network',
  room: 'Room',
  paired: 'Paired'
}

export interface DeviceCardProps {
  peer: PeerView
  dialogAvailable: boolean
  /** Paths chosen in the system dialog. */
  onPickWithDialog: (peer: PeerView) => void
  /** Files dropped or chosen in the page. */
  onUpload: (peer: PeerView, items: UploadItem[]) => void
  onUnpair: (peer: PeerView) => void
  /** Hides the device and drops its offers silently. */
  onBlock: (peer: PeerView) => void
}

/** A device to send to: drop files or a folder on it, click it for the file dialog, or use its file input. */
export function DeviceCard ({ peer, dialogAvailable, onPickWithDialog, onUpload, onUnpair, onBlock }: DeviceCardProps): ReactNode {
  const input = useRef<HTMLInputElement>(null)
  const [dragging, setDragging] = useState(false)
  const inputId = `files-${peer.peerId}`

  const onDrop = (event: DragEvent): void => {
    event.preventDefault()
    setDragging(false)
    void collectDroppedFiles(event.dataTransfer).then((items) => { if (items.length > 0) onUpload(peer, items) })
  }

  return (
    <li
      className={`device-card${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => { event.preventDefault(); event.dataTransfer.dropEffect = 'copy'; setDragging(true) }}
      onDragLeave={() => { setDragging(false) }}
      onDrop={onDrop}
      aria-label={`${peer.name}`}
    >
      <button
        type='button'
        className='device-main'
        onClick={() => { if (dialogAvailable) onPickWithDialog(peer); else input.current?.click() }}
        aria-label={`Send files to ${peer.name}`}
      >
        <Avatar peerId={peer.peerId} name={peer.name} />
        <span className='device-text'>
          <span className='device-name'>{peer.name}</span>
          <span className='muted small'>
            {peer.via.map(via => VIA_LABELS[via]).join(' · ')}
            {peer.connection !== null && <> · <span className='tag'>{connectionLabel(peer.connection, peer.connectionRoute)}</span></>}
          </span>
          <span className='muted small mono' title={peer.peerId} aria-label={`Fingerprint of ${peer.name}`}>{peer.fingerprint}</span>
        </span>
      </button>
      <label className='button secondary' htmlFor={inputId}>Choose files</label>
      <span className='device-actions'>
        {peer.paired && <button type='button' className='link-button' aria-label={`Unpair ${peer.name}`} onClick={() => { onUnpair(peer) }}>Unpair</button>}
        <button type='button' className='link-button' aria-label={`Block ${peer.name}`} onClick={() => { onBlock(peer) }}>Block</button>
      </span>
      <input
        ref={input}
        id={inputId}
        className='visually-hidden'
        type='file'
        multiple
        aria-label={`Choose files to send to ${peer.name}`}
        onChange={(event) => {
          const items = filesFromInput(event.target.files)
          event.target.value = ''
          if (items.length > 0) onUpload(peer, items)
        }}
      />
    </li>
  )
}
