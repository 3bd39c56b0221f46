import { useRef, useState, type DragEvent, type ReactNode } from 'react'
import type { PeerView } from '@p2pft/protocol'
import { collectDroppedFiles, filesFromInput } from '../dropped-files.ts'
import { shortFingerprint } from '../format-units.ts'
import { Avatar } from './avatar.tsx'
import type { UploadItem } from '@p2pft/daemon-client'

const VIA_LABELS: Record<PeerView['via'][number], string> = {
  lan: 'This LAN',
  network: 'Same network',
  room: 'Room'
}

export interface DeviceCardProps {
  peer: PeerView
  dialogAvailable: boolean
  /** Paths chosen in the system dialog. */
  onPickWithDialog: (peer: PeerView) => void
  /** Files dropped or chosen in the page. */
  onUpload: (peer: PeerView, items: UploadItem[]) => void
}

/** A device to send to: drop files or a folder on it, click it for the file dialog, or use its file input. */
export function DeviceCard ({ peer, dialogAvailable, onPickWithDialog, onUpload }: DeviceCardProps): ReactNode {
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
            {peer.connection !== null && <> · <span className='tag'>{peer.connection === 'direct' ? 'Direct' : 'Relayed'}</span></>}
          </span>
          <span className='muted small mono' title={peer.peerId}>{shortFingerprint(peer.peerId)}</span>
        </span>
      </button>
      <label className='button secondary' htmlFor={inputId}>Choose files</label>
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
