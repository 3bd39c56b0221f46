import { AppError, MAX_RENDEZVOUS_PAYLOAD_BYTES, type SignalToClient } from '@p2pft/protocol'
import { MAX_REMEMBERED_CONTACTS_PER_PEER } from './constants.ts'

/** What the forwarder needs to know about presence. */
export interface RendezvousVisibility {
  isRegistered: (peerId: string) => boolean
  canSee: (viewerId: string, targetId: string) => boolean
}

export interface RendezvousForwarderDeps {
  visibility: RendezvousVisibility
}

export interface RendezvousForwarderOptions {
  /** @default MAX_RENDEZVOUS_PAYLOAD_BYTES */
  maxPayloadBytes?: number
  /** @default MAX_REMEMBERED_CONTACTS_PER_PEER */
  maxContactsPerPeer?: number
}

export type RendezvousDeliveryMessage = Extract<SignalToClient, { type: 'signal' }>

export interface RendezvousDelivery {
  to: string
  message: RendezvousDeliveryMessage
}

export interface RendezvousForwarder {
  /**
   * Decides where a `signal` from `from` goes. Allowed when the sender sees the
   * recipient, or the recipient signalled the sender before (so a peer can answer a
   * hidden one). Throws SIGNAL_MESSAGE_TOO_LARGE or SIGNAL_PEER_NOT_FOUND; the latter
   * also for peers the sender may not reach, so it learns nothing about them.
   */
  route: (from: string, request: { to: string, payload: Record<string, unknown> }) => RendezvousDelivery
  /** Drops what was remembered about a peer that left. */
  forget: (peerId: string) => void
}

/** Forwards small signalling payloads between peers; never file data (the size cap sees to it). */
export function createRendezvousForwarder (deps: RendezvousForwarderDeps, options: RendezvousForwarderOptions = {}): RendezvousForwarder {
  const maxPayloadBytes = options.maxPayloadBytes ?? MAX_RENDEZVOUS_PAYLOAD_BYTES
  const maxContactsPerPeer = options.maxContactsPerPeer ?? MAX_REMEMBERED_CONTACTS_PER_PEER
  /** recipient → senders it may answer, oldest first. */
  const contacts = new Map<string, Set<string>>()

  function remember (sender: string, recipient: string): void {
    let senders = contacts.get(recipient)
    if (senders == null) {
      senders = new Set()
      contacts.set(recipient, senders)
    }
    senders.delete(sender)
    senders.add(sender)
    if (senders.size > maxContactsPerPeer) {
      const oldest = senders.values().next().value
      if (oldest != null) senders.delete(oldest)
    }
  }

  return {
    route (from, { to, payload }) {
      const payloadBytes = Buffer.byteLength(JSON.stringify(payload))
      if (payloadBytes > maxPayloadBytes) {
        throw new AppError('SIGNAL_MESSAGE_TOO_LARGE', `rendezvous payload is ${payloadBytes} bytes, the limit is ${maxPayloadBytes}`)
      }
      const reachable = to !== from && deps.visibility.isRegistered(to) &&
        (deps.visibility.canSee(from, to) || contacts.get(from)?.has(to) === true)
      if (!reachable) throw new AppError('SIGNAL_PEER_NOT_FOUND', `peer ${to} is not connected or not visible to you`)
      remember(from, to)
      return { to, message: { type: 'signal', from, payload } }
    },

    forget (peerId) {
      contacts.delete(peerId)
    }
  }
}
