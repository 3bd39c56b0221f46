import { useEffect, useState } from 'react'
import type { DaemonClient } from '@p2pft/daemon-client'
import type { StateResponse } from '@p2pft/protocol'

/** How long to wait before reconnecting the event socket after it closed. */
const RECONNECT_DELAY_MS = 1000

export interface DaemonState {
  state: StateResponse | undefined
  /** False while the event socket is down (the daemon stopped or restarts). */
  connected: boolean
}

/** The daemon's state, kept live by the events WebSocket (reconnecting when it drops). */
export function useDaemonState (client: DaemonClient): DaemonState {
  const [state, setState] = useState<StateResponse | undefined>(undefined)
  const [connected, setConnected] = useState(false)

  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let subscription: { close: () => void } | undefined
    const connect = (): void => {
      subscription = client.events({
        onOpen: () => { setConnected(true) },
        onMessage: (message) => { if (message.event === 'state') setState(message.state) },
        onClose: () => {
          setConnected(false)
          if (!stopped) timer = setTimeout(connect, RECONNECT_DELAY_MS)
        }
      })
    }
    connect()
    return () => {
      stopped = true
      clearTimeout(timer)
      subscription?.close()
    }
  }, [client])

  return { state, connected }
}
