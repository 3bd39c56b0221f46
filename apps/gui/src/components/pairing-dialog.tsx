import { useEffect, useId, useState, type ReactNode } from 'react'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { PairingView } from '@p2pft/protocol'
import type { RunAction } from '../app.tsx'
import { QrCode } from './qr-code.tsx'

export interface PairingDialogProps {
  client: DaemonClient
  /** The daemon's pairing, from the state snapshots. */
  pairing: PairingView | null
  run: RunAction
  onClose: () => void
}

/**
 * "Pair a device": shows a code (and its QR) for the other device to type, or takes the
 * code the other device shows. Success names the device and its fingerprint; failure says why.
 */
export function PairingDialog ({ client, pairing, run, onClose }: PairingDialogProps): ReactNode {
  const titleId = useId()
  const codeId = useId()
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)

  const close = (): void => {
    if (pairing?.status === 'waiting' || pairing?.status === 'joining') void run(async () => { await client.cancelPairing() })
    onClose()
  }

  useEffect(() => {
    // A fresh dialog shows a fresh code.
    void run(async () => { await client.startPairing() })
  }, [client, run])

  const join = async (): Promise<void> => {
    setBusy(true)
    // The outcome (paired or failed) arrives in the state; the error banner repeats a failure.
    await run(async () => { await client.joinPairing(code) })
    setBusy(false)
  }

  return (
    <div className='overlay'>
      <div className='dialog' role='dialog' aria-modal='true' aria-labelledby={titleId} onKeyDown={(event) => { if (event.key === 'Escape') close() }}>
        <h2 id={titleId}>Pair a device</h2>
        {pairing?.status === 'paired' && pairing.device !== undefined
          ? (
            <div role='status' className='pairing-result'>
              <p><strong>Paired with {pairing.device.name}.</strong> It will show up here whenever it is online, on any network.</p>
              <p className='muted small'>Its fingerprint: <span className='mono' aria-label='Fingerprint of the paired device'>{pairing.device.fingerprint}</span>. The other device shows this device's fingerprint; compare them out loud if you like.</p>
            </div>
            )
          : (
            <>
              <section aria-label='Code for the other device'>
                <p>On the other device, choose "Pair a device" and type this code:</p>
                {pairing?.status === 'waiting' && pairing.code !== undefined
                  ? (
                    <div className='pairing-code'>
                      <output className='code mono' aria-label='Pairing code'>{pairing.code}</output>
                      <QrCode text={pairing.code} label={`QR code of the pairing code ${pairing.code}`} />
                    </div>
                    )
                  : <p className='muted'>{pairing?.status === 'joining' ? 'Pairing…' : 'Getting a code…'}</p>}
              </section>
              <form onSubmit={(event) => { event.preventDefault(); void join() }} className='pairing-join'>
                <label htmlFor={codeId}>Or enter the code the other device shows</label>
                <input id={codeId} inputMode='numeric' autoComplete='off' placeholder='417-392-881' value={code} onChange={(event) => { setCode(event.target.value) }} />
                <button type='submit' className='button' disabled={busy || code.trim() === ''}>Pair</button>
              </form>
              {pairing?.status === 'failed' && pairing.error !== undefined && (
                <p role='alert' className='error-text'>Pairing failed: {pairing.error.message}</p>
              )}
            </>
            )}
        <div className='dialog-actions'>
          {pairing?.status === 'failed' && <button type='button' className='button secondary' onClick={() => { void run(async () => { await client.startPairing() }) }}>New code</button>}
          <button type='button' className='button secondary' onClick={close}>{pairing?.status === 'paired' ? 'Done' : 'Cancel'}</button>
        </div>
      </div>
    </div>
  )
}
