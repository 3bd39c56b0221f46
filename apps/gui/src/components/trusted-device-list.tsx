import type { ReactNode } from 'react'
import type { DeviceView } from '@p2pft/protocol'

export interface TrustedDeviceListProps {
  devices: DeviceView[]
  onUnpair: (device: DeviceView) => void
  onUnblock: (device: DeviceView) => void
}

/** Paired, "always accept" and blocked devices, online or not, with what can be undone. */
export function TrustedDeviceList ({ devices, onUnpair, onUnblock }: TrustedDeviceListProps): ReactNode {
  if (devices.length === 0) return null
  return (
    <section aria-labelledby='trusted-title'>
      <h2 id='trusted-title'>Paired and blocked devices</h2>
      <ul className='trusted-list' aria-label='Paired and blocked devices'>
        {devices.map(device => (
          <li key={device.peerId} aria-label={device.name} className='trusted-device'>
            <span className='device-text'>
              <span className='device-name'>{device.name}</span>
              <span className='muted small'>
                {[device.paired ? 'Paired' : '', device.autoAccept ? 'Always accept' : '', device.blocked ? 'Blocked' : '', device.online ? 'Online' : 'Offline'].filter(Boolean).join(' · ')}
              </span>
              <span className='muted small mono' title={device.peerId}>{device.fingerprint}</span>
            </span>
            {device.paired && <button type='button' className='button secondary' aria-label={`Unpair ${device.name}`} onClick={() => { onUnpair(device) }}>Unpair</button>}
            {device.blocked && <button type='button' className='button secondary' aria-label={`Unblock ${device.name}`} onClick={() => { onUnblock(device) }}>Unblock</button>}
          </li>
        ))}
      </ul>
    </section>
  )
}
