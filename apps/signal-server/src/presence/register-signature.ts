import { peerIdFromString } from '@libp2p/peer-id'
import { AppError, registerSignaturePayload } from '@p2pft/protocol'

/** Length of an Ed25519 signature. */
const ED25519_SIGNATURE_BYTES = 64

/**
 * Proves a client owns the PeerId it registers: `signature` (base64 or base64url)
 * must be the PeerId's Ed25519 key signing REGISTER_SIGNATURE_PREFIX + `nonce`.
 * Only Ed25519 PeerIds are accepted, since they embed their public key.
 * Throws SIGNAL_AUTH_FAILED with the reason.
 */
export async function verifyRegisterSignature (peerIdText: string, nonce: string, signature: string): Promise<void> {
  let publicKey
  try {
    const peerId = peerIdFromString(peerIdText)
    if (peerId.type !== 'Ed25519') throw new Error(`${peerId.type} PeerIds are not accepted`)
    publicKey = peerId.publicKey
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new AppError('SIGNAL_AUTH_FAILED', `peerId is not an Ed25519 PeerId: ${reason}`, { cause: err })
  }

  const signatureBytes = Buffer.from(signature, 'base64')
  if (signatureBytes.length !== ED25519_SIGNATURE_BYTES) {
    throw new AppError('SIGNAL_AUTH_FAILED', `signature must be ${ED25519_SIGNATURE_BYTES} bytes, got ${signatureBytes.length}`)
  }

  let valid: boolean
  try {
    valid = await publicKey.verify(registerSignaturePayload(nonce), signatureBytes)
  } catch (err) {
    throw new AppError('SIGNAL_AUTH_FAILED', 'signature could not be verified', { cause: err })
  }
  if (!valid) throw new AppError('SIGNAL_AUTH_FAILED', 'signature does not match the peerId and nonce')
}
