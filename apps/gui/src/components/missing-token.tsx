import type { ReactNode } from 'react'

/** Shown when the page was opened without the daemon's token (e.g. a bookmark from an earlier run). */
export function MissingToken (): ReactNode {
  return (
    <main className='content narrow'>
      <h1>Open the app from its window</h1>
      <p>This page needs the key the app makes each time it starts. Start the app with <code>npm start</code> (or run
        <code> p2p-client daemon</code>) and use the window it opens, or the address it prints.</p>
    </main>
  )
}
