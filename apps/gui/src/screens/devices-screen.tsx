import { useState, type ReactNode } from 'react'
import type { DaemonClient, UploadItem } from '@p2pft/daemon-client'
import type { PeerView, StateResponse } from '@p2pft/protocol'
import type { RunAction } from '../app.tsx'
import { DeviceCard } from '../components/device-card.tsx'
import { PairingDialog } from '../components/pairing-dialog.tsx'
import { TrustedDeviceList } from '../components/trusted-device-list.tsx'

export interface DevicesScreenProps {
  client: DaemonClient
  state: StateResponse
  run: RunAction
  /** A send started: show the transfers. */
  onSending: () => void
}

/** The devices online right now; each one is a drop target. */
export function DevicesScreen ({ client, state, run, onSending }: DevicesScreenProps): ReactNode {
  const pickAndSend = (peer: PeerView): void => {
    void run(async () => {
      const paths = await client.openFilesDialog()
      if (paths.length === 0) return
      await client.send(peer.peerId, paths)
      onSending()
    })
  }
  const upload = (peer: PeerView, items: UploadItem[]): void => {
    onSending()
    void run(async () => { await client.upload(peer.peerId, items) })
  }
  const [pairingOpen, setPairingOpen] = useState(false)
  const unpair = (peer: { peerId: string }): void => { void run(async () => { await client.unpairDevice(peer.peerId) }) }
  const block = (peer: PeerView): void => { void run(async () => { await client.blockDevice(peer.peerId) }) }
  const unblock = (peer: { peerId: string }): void => { void run(async () => { await client.unblockDevice(peer.peerId) }) }

  return (
    <section aria-labelledby='devices-title'>
      <div className='section-header'>
        <h1 id='devices-title'>Devices</h1>
        <button type='button' className='button secondary' onClick={() => { setPairingOpen(true) }}>Pair a device</button>
      </div>
      {state.peers.length === 0
        ? (
          <div className='empty'>
            <p><strong>No other devices yet.</strong></p>
            <p>Open P2P File Transfer on another computer. Devices on the same Wi-Fi or network show up here by themselves;
              elsewhere, give both the same signal server and room in Settings.</p>
          </div>
          )
        : (
          <>
            <p className='muted'>Drop files or a folder on a device, or click it to choose files.</p>
            <ul className='device-list' aria-label='Devices online'>
              {state.peers.map(peer => (
                <DeviceCard key={peer.peerId} peer={peer} dialogAvailable={state.dialogAvailable} onPickWithDialog={pickAndSend} onUpload={upload} onUnpair={unpair} onBlock={block} />
              ))}
            </ul>
          </>
          )}
      <TrustedDeviceList devices={state.devices} onUnpair={unpair} onUnblock={unblock} />
      {pairingOpen && <PairingDialog client={client} pairing={state.pairing} run={run} onClose={() => { setPairingOpen(false) }} />}
    </section>
  )
}
