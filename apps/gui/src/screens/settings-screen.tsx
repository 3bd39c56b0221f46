import { useState, type FormEvent, type ReactNode } from 'react'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { AutoAcceptPolicy, SettingsUpdateRequest, StateResponse } from '@p2pft/protocol'
import type { RunAction } from '../app.tsx'

/** Name, server, room, download folder, auto-accept and trusted devices. The theme follows the system. */
export function SettingsScreen ({ client, state, run }: { client: DaemonClient, state: StateResponse, run: RunAction }): ReactNode {
  const { settings } = state
  const [name, setName] = useState(settings.name)
  const [server, setServer] = useState(settings.server ?? '')
  const [room, setRoom] = useState(settings.room ?? '')
  const [downloadDir, setDownloadDir] = useState(settings.downloadDir)
  const [autoAccept, setAutoAccept] = useState<AutoAcceptPolicy>(settings.autoAccept)
  const [keepPartial, setKeepPartial] = useState(settings.keepPartial === true)
  const [saved, setSaved] = useState(false)

  const save = (event: FormEvent): void => {
    event.preventDefault()
    setSaved(false)
    // Only what the person changed is saved, so values from command-line flags stay out of the settings file.
    const update: SettingsUpdateRequest = {}
    const nextServer = server.trim() === '' ? null : server.trim()
    const nextRoom = room.trim() === '' ? null : room.trim()
    if (name.trim() !== settings.name) update.name = name.trim()
    if (nextServer !== settings.server) update.server = nextServer
    if (nextRoom !== settings.room) update.room = nextRoom
    if (downloadDir.trim() !== settings.downloadDir) update.downloadDir = downloadDir.trim()
    if (autoAccept !== settings.autoAccept) update.autoAccept = autoAccept
    if (keepPartial !== (settings.keepPartial === true)) update.keepPartial = keepPartial
    void run(async () => { await client.updateSettings(update) }).then(setSaved)
  }

  const chooseFolder = (): void => {
    void run(async () => {
      const picked = await client.pickFolderDialog()
      if (picked !== null) setDownloadDir(picked)
    })
  }

  return (
    <section aria-labelledby='settings-title'>
      <h1 id='settings-title'>Settings</h1>
      <form className='settings' onSubmit={save}>
        <label htmlFor='setting-name'>Device name</label>
        <input id='setting-name' value={name} required maxLength={64} onChange={(e) => { setName(e.target.value) }} />

        <label htmlFor='setting-server'>Signal server</label>
        <input id='setting-server' value={server} placeholder='https://signal.example.org (empty: this LAN only)' onChange={(e) => { setServer(e.target.value) }} aria-describedby='server-help' />
        <p id='server-help' className='muted small'>Needed to reach devices outside this network. A new server takes effect after a restart.</p>

        <label htmlFor='setting-room'>Room</label>
        <input id='setting-room' value={room} maxLength={64} placeholder='e.g. family' onChange={(e) => { setRoom(e.target.value) }} aria-describedby='room-help' />
        <p id='room-help' className='muted small'>Devices in the same room see each other wherever they are.</p>

        <label htmlFor='setting-download'>Download folder</label>
        <div className='row'>
          <input id='setting-download' value={downloadDir} required onChange={(e) => { setDownloadDir(e.target.value) }} />
          {state.dialogAvailable && <button type='button' className='button secondary' onClick={chooseFolder}>Choose…</button>}
        </div>

        <fieldset>
          <legend>Incoming files</legend>
          <label className='checkbox'>
            <input type='radio' name='auto-accept' value='ask' checked={autoAccept === 'ask'} onChange={() => { setAutoAccept('ask') }} />
            Ask me every time (except devices I always accept)
          </label>
          <label className='checkbox'>
            <input type='radio' name='auto-accept' value='paired' checked={autoAccept === 'paired'} onChange={() => { setAutoAccept('paired') }} />
            Accept from my paired devices without asking; ask the others
          </label>
          <label className='checkbox'>
            <input type='radio' name='auto-accept' value='all' checked={autoAccept === 'all'} onChange={() => { setAutoAccept('all') }} />
            Accept from every device without asking
          </label>
          <label className='checkbox'>
            <input type='checkbox' checked={keepPartial} onChange={(e) => { setKeepPartial(e.target.checked) }} />
            When a transfer is cancelled, keep what arrived so far, so sending it again continues where it stopped
          </label>
        </fieldset>

        <div className='row'>
          <button type='submit' className='button'>Save</button>
          <span role='status' className='muted'>{saved ? 'Saved.' : ''}</span>
        </div>
      </form>

      <h2>Always accepted devices</h2>
      {settings.trustedPeers.length === 0
        ? <p className='muted'>None. Tick "Always accept from this device" when you accept files to add one.</p>
        : (
          <ul className='trusted' aria-label='Always accepted devices'>
            {settings.trustedPeers.map(peer => (
              <li key={peer.peerId}>
                <span>{peer.name} <span className='muted small mono'>{peer.peerId.slice(-8)}</span></span>
                <button
                  type='button'
                  className='link'
                  aria-label={`Stop always accepting from ${peer.name}`}
                  onClick={() => { void run(async () => { await client.updateSettings({ trustedPeers: settings.trustedPeers.filter(p => p.peerId !== peer.peerId).map(p => p.peerId) }) }) }}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          )}
      <p className='muted small'>The colours follow your system's light or dark theme.</p>
    </section>
  )
}
