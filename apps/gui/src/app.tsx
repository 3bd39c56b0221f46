import { useCallback, useState, type ReactNode } from 'react'
import type { DaemonClient } from '@p2pft/daemon-client'
import { OfferDialog } from './components/offer-dialog.tsx'
import { DevicesScreen } from './screens/devices-screen.tsx'
import { HistoryScreen } from './screens/history-screen.tsx'
import { SettingsScreen } from './screens/settings-screen.tsx'
import { TransfersScreen } from './screens/transfers-screen.tsx'
import { useDaemonState } from './use-daemon-state.ts'

type ScreenName = 'devices' | 'transfers' | 'history' | 'settings'

const SCREENS: Array<{ name: ScreenName, label: string }> = [
  { name: 'devices', label: 'Devices' },
  { name: 'transfers', label: 'Transfers' },
  { name: 'history', label: 'History' },
  { name: 'settings', label: 'Settings' }
]

/** Runs a command against the daemon; a failure becomes the notice at the top, in plain words. */
export type RunAction = (action: () => Promise<unknown>) => Promise<boolean>

export function App ({ client }: { client: DaemonClient }): ReactNode {
  const { state, connected } = useDaemonState(client)
  const [screen, setScreen] = useState<ScreenName>('devices')
  const [notice, setNotice] = useState<string | undefined>(undefined)

  const run: RunAction = useCallback(async (action) => {
    try {
      await action()
      return true
    } catch (err) {
      setNotice(err instanceof Error ? err.message : String(err))
      return false
    }
  }, [])

  const active = state?.transfers.filter(t => !['completed', 'declined', 'cancelled', 'failed'].includes(t.status)).length ?? 0
  const offer = state?.offers[0]

  return (
    <div className='app'>
      <nav className='sidebar' aria-label='Main'>
        <div className='brand'>P2P File Transfer</div>
        <ul>
          {SCREENS.map(item => (
            <li key={item.name}>
              <button
                type='button'
                className='nav-button'
                aria-current={screen === item.name ? 'page' : undefined}
                onClick={() => { setScreen(item.name) }}
              >
                {item.label}
                {item.name === 'transfers' && active > 0 && <span className='badge' aria-label={`${active} active`}>{active}</span>}
              </button>
            </li>
          ))}
        </ul>
        {state !== undefined && (
          <p className='self'>
            You are <strong>{state.self.name}</strong>
            <br />
            <span className='muted'>{state.self.server === undefined ? 'on this LAN' : state.self.signalConnected ? 'online' : 'connecting to the server…'}</span>
          </p>
        )}
      </nav>
      <main className='content'>
        {!connected && <p className='banner warning' role='status'>Not connected to the app's background service. Is it still running? Retrying…</p>}
        {state?.restartNeeded === true && <p className='banner' role='status'>Restart the app to use the new signal server.</p>}
        {notice !== undefined && (
          <div className='banner error' role='alert'>
            <span>{notice}</span>
            <button type='button' className='link' onClick={() => { setNotice(undefined) }}>Dismiss</button>
          </div>
        )}
        {state === undefined
          ? <p className='muted'>Loading…</p>
          : screen === 'devices'
            ? <DevicesScreen client={client} state={state} run={run} onSending={() => { setScreen('transfers') }} />
            : screen === 'transfers'
              ? <TransfersScreen client={client} transfers={state.transfers} run={run} />
              : screen === 'history'
                ? <HistoryScreen client={client} revision={state.historyRevision} run={run} />
                : <SettingsScreen client={client} state={state} run={run} />}
      </main>
      {offer !== undefined && <OfferDialog key={offer.id} client={client} offer={offer} run={run} />}
    </div>
  )
}
