import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Connection } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { AppError, holePunchPayloadDecoder, type HolePunchPayload } from '@p2pft/protocol'
import type { SignalClient } from '../../signal/signal-client.ts'
import type { P2PNode } from '../create-p2p-node.ts'
import { PUNCH_ANSWER_TIMEOUT_MS, PUNCH_DEADLINE_MS } from './constants.ts'
import { observeMapping } from './observe-mapping.ts'
import { punchSocket } from './punch-socket.ts'

export interface HolePuncher {
  /** Tries to open a direct connection to `peerId` through both NATs; rejects if the routers do not allow it. */
  punch: (peerId: string, signal: AbortSignal) => Promise<Connection>
  close: () => void
}

export interface HolePuncherDeps {
  node: P2PNode
  signal: SignalClient
  log: Logger
}

/**
 * Coordinates TCP hole punches over the signal server: the sender offers its public
 * mapping, the receiver answers with its own, and both dial each other at once from
 * the mapped ports. Answers other peers' offers for as long as it runs.
 */
export function createHolePuncher (deps: HolePuncherDeps): HolePuncher {
  const log = deps.log.child({ component: 'hole-punch' })
  const server = { host: deps.signal.url.hostname.replace(/^\[|\]$/g, ''), port: Number(deps.signal.url.port || (deps.signal.url.protocol === 'wss:' ? 443 : 80)) }
  const answers = new Map<string, (payload: HolePunchPayload) => void>()
  const lifetime = new AbortController()

  const sendPayload = (to: string, payload: HolePunchPayload): void => { deps.signal.sendSignal(to, payload) }

  const connectThrough = async (peerId: string, localPort: number, remote: { ip: string, port: number }, signal: AbortSignal): Promise<Connection> => {
    const socket = await punchSocket({ localPort, remote, deadlineMs: Date.now() + PUNCH_DEADLINE_MS, signal })
    return await deps.node.services.punchUpgrader.upgrade(socket, peerIdFromString(peerId), signal)
  }

  const answerOffer = async (from: string, offer: HolePunchPayload): Promise<void> => {
    if (offer.ip === undefined || offer.port === undefined) return
    const signal = AbortSignal.any([lifetime.signal, AbortSignal.timeout(PUNCH_DEADLINE_MS + PUNCH_ANSWER_TIMEOUT_MS)])
    const mapping = await observeMapping(server, signal)
    try {
      sendPayload(from, { p2pft: 'hole-punch', phase: 'answer', attemptId: offer.attemptId, ip: mapping.observed.ip, port: mapping.observed.port })
      const connection = await connectThrough(from, mapping.localPort, { ip: offer.ip, port: offer.port }, signal)
      log.info({ peerId: from.slice(-8), remoteAddr: connection.remoteAddr.toString() }, 'hole punched (answering side)')
    } finally {
      mapping.socket.destroy()
    }
  }

  const onSignal = (from: string, raw: Record<string, unknown>): void => {
    if (raw.p2pft !== 'hole-punch') return
    let payload: HolePunchPayload
    try {
      payload = holePunchPayloadDecoder.decode(raw)
    } catch (err) {
      log.debug({ err, from }, 'ignored an invalid hole punch message')
      return
    }
    if (payload.phase === 'answer') answers.get(payload.attemptId)?.(payload)
    if (payload.phase === 'offer') {
      answerOffer(from, payload).catch((err: unknown) => { log.debug({ err, from }, 'hole punch (answering side) failed; the relay stays') })
    }
  }
  deps.signal.on('signal', onSignal)

  return {
    async punch (peerId, outerSignal) {
      const signal = AbortSignal.any([outerSignal, lifetime.signal])
      const attemptId = randomUUID().replaceAll('-', '')
      const mapping = await observeMapping(server, signal)
      try {
        const answered = new Promise<HolePunchPayload>((resolve, reject) => {
          const timer = setTimeout(() => { reject(new AppError('TRANSFER_TIMEOUT', 'the other device did not answer the hole punch')) }, PUNCH_ANSWER_TIMEOUT_MS)
          answers.set(attemptId, (payload) => { clearTimeout(timer); resolve(payload) })
        })
        sendPayload(peerId, { p2pft: 'hole-punch', phase: 'offer', attemptId, ip: mapping.observed.ip, port: mapping.observed.port })
        const answer = await answered
        if (answer.ip === undefined || answer.port === undefined) throw new AppError('TRANSFER_DIAL_FAILED', 'the other device declined the hole punch')
        const connection = await connectThrough(peerId, mapping.localPort, { ip: answer.ip, port: answer.port }, signal)
        log.info({ peerId: peerId.slice(-8), remoteAddr: connection.remoteAddr.toString() }, 'hole punched')
        return connection
      } finally {
        answers.delete(attemptId)
        mapping.socket.destroy()
      }
    },
    close () {
      lifetime.abort()
      deps.signal.off('signal', onSignal)
    }
  }
}
