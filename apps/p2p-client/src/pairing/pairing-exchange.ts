import { equalBytes } from '@noble/curves/utils.js'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import {
  AppError, pairingBodyDecoder, pairingIdentityDecoder, type PairingBody, type PairingIdentity
} from '@p2pft/protocol'
import { PAIRING_SIGNATURE_PREFIX } from './constants.ts'
import { createCpaceHandshake, type PairingRole } from './cpace-handshake.ts'
import type { MailboxConnection } from './mailbox-connection.ts'

/** A device paired with us: who it is (checked by its own signature) and the tag we now share. */
export interface PairingResult {
  peerId: string
  name: string
  pairTag: string
}

export interface PairingExchangeInputs {
  role: PairingRole
  secret: string
  nameplate: string
  sessionId: string
  privateKey: PrivateKey
  name: string
  /** Longest wait for each message of the other device. */
  stepTimeoutMs: number
}

const mismatch = (): AppError => new AppError('PAIRING_CODE_MISMATCH', 'the code did not match on both devices (mistyped, or the messages were changed on the way); nothing was stored')
const encoder = new TextEncoder()
const ZERO_IV = new Uint8Array(12)

/** Each seal key encrypts exactly one message, so a fixed IV never repeats under one key. */
async function seal (key: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt'])
  return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: ZERO_IV }, cryptoKey, plaintext))
}

async function unseal (key: Uint8Array, sealed: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt'])
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: ZERO_IV }, cryptoKey, sealed))
  } catch (err) {
    throw new AppError('PAIRING_CODE_MISMATCH', 'the other device\'s identity did not decrypt: the messages were changed on the way; nothing was stored', { cause: err })
  }
}

function signedText (role: PairingRole, transcript: Uint8Array): Uint8Array {
  const prefix = encoder.encode(`${PAIRING_SIGNATURE_PREFIX}${role} `)
  const bytes = new Uint8Array(prefix.length + transcript.length)
  bytes.set(prefix)
  bytes.set(transcript, prefix.length)
  return bytes
}

/**
 * Runs the device-to-device part of pairing over a connected mailbox: CPace shares, key
 * confirmation, then each side's identity sealed with the shared key and signed by its
 * libp2p key over the transcript. Throws PAIRING_CODE_MISMATCH on any disagreement.
 */
export async function runPairingExchange (mailbox: MailboxConnection, inputs: PairingExchangeInputs): Promise<PairingResult> {
  const ownPeerId = peerIdFromPrivateKey(inputs.privateKey).toString()
  const peerRole: PairingRole = inputs.role === 'opener' ? 'joiner' : 'opener'
  const timeout = new AppError('PAIRING_TIMEOUT', 'the other device stopped answering during pairing; nothing was stored')
  const send = (body: PairingBody): void => { mailbox.send({ type: 'send', body }) }

  const receive = async <K extends PairingBody['kind']>(kind: K): Promise<Extract<PairingBody, { kind: K }>> => {
    const message = await mailbox.next(inputs.stepTimeoutMs, timeout)
    if (message.type !== 'message') throw new AppError('PROTOCOL_UNEXPECTED_MESSAGE', `the pairing mailbox sent "${message.type}" in the middle of pairing`)
    const body = pairingBodyDecoder.decode(message.body)
    if (body.kind === 'failed') throw mismatch()
    if (body.kind !== kind) throw mismatch()
    return body as Extract<PairingBody, { kind: K }>
  }

  const handshake = createCpaceHandshake(inputs)
  send({ kind: 'pake', element: Buffer.from(handshake.share).toString('base64url') })
  const peerShare = await receive('pake')
  const keys = handshake.finish(Buffer.from(peerShare.element, 'base64url'))

  send({ kind: 'confirm', mac: Buffer.from(keys.ownConfirm).toString('base64url') })
  const peerConfirm = await receive('confirm')
  if (!equalBytes(Buffer.from(peerConfirm.mac, 'base64url'), keys.expectedConfirm)) {
    send({ kind: 'failed' })
    throw mismatch()
  }

  // Only a device that proved it knows the code learns who we are.
  const signature = await inputs.privateKey.sign(signedText(inputs.role, keys.transcript))
  const identity: PairingIdentity = { peerId: ownPeerId, name: inputs.name, signature: Buffer.from(signature).toString('base64url') }
  const sealed = await seal(keys.ownSealKey, encoder.encode(JSON.stringify(identity)))
  send({ kind: 'identity', sealed: Buffer.from(sealed).toString('base64url') })

  const peerSealed = await receive('identity')
  const peer = pairingIdentityDecoder.decodeJson(await unseal(keys.peerSealKey, Buffer.from(peerSealed.sealed, 'base64url')))
  let verified = false
  try {
    const publicKey = peerIdFromString(peer.peerId).publicKey
    verified = publicKey !== undefined && publicKey.type === 'Ed25519' &&
      await publicKey.verify(signedText(peerRole, keys.transcript), Buffer.from(peer.signature, 'base64url'))
  } catch (err) {
    throw new AppError('PAIRING_CODE_MISMATCH', 'the other device\'s identity is not a valid PeerId; nothing was stored', { cause: err })
  }
  if (!verified) throw new AppError('PAIRING_CODE_MISMATCH', 'the other device could not prove it owns its PeerId; nothing was stored')
  if (peer.peerId === ownPeerId) throw new AppError('PAIRING_CODE_MISMATCH', 'this device cannot pair with itself')
  return { peerId: peer.peerId, name: peer.name, pairTag: keys.pairTag }
}
