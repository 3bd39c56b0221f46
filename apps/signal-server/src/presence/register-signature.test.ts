import assert from 'node:assert/strict'
import { it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { isAppError, registerSignaturePayload } from '@p2pft/protocol'
import { verifyRegisterSignature } from './register-signature.ts'

const nonce = 'abcdefghijklmnopqrstuvwx'

async function signed (nonceToSign = nonce): Promise<{ peerId: string, signature: string }> {
  const key = await generateKeyPair('Ed25519')
  return { peerId: peerIdFromPrivateKey(key).toString(), signature: Buffer.from(await key.sign(registerSignaturePayload(nonceToSign))).toString('base64') }
}

const authFailed = (err: unknown): boolean => isAppError(err, 'SIGNAL_AUTH_FAILED')

it('accepts the PeerId key signing the nonce, in base64 or base64url', async () => {
  const { peerId, signature } = await signed()
  await verifyRegisterSignature(peerId, nonce, signature)
  await verifyRegisterSignature(peerId, nonce, Buffer.from(signature, 'base64').toString('base64url'))
})

it('refuses a signature by another key', async () => {
  const { peerId } = await signed()
  const { signature } = await signed()
  await assert.rejects(verifyRegisterSignature(peerId, nonce, signature), authFailed)
})

it('refuses a signature over another nonce', async () => {
  const { peerId, signature } = await signed('another-nonce-of-the-server')
  await assert.rejects(verifyRegisterSignature(peerId, nonce, signature), authFailed)
})

it('refuses unparsable PeerIds, non-Ed25519 PeerIds and signatures of the wrong length', async () => {
  const { peerId, signature } = await signed()
  await assert.rejects(verifyRegisterSignature('1111111111111111111111111111111111111111', nonce, signature), authFailed)
  const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
  await assert.rejects(verifyRegisterSignature(secp, nonce, signature), (err: unknown) => authFailed(err) && /Secp256k1|secp256k1/.test(String((err as Error).message)))
  await assert.rejects(verifyRegisterSignature(peerId, nonce, 'c2hvcnQ='), authFailed)
})
