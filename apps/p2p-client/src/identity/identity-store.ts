import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { AppError } from '@p2pft/protocol'
import { makePrivateDir, makePrivateFile } from '../config/private-files.ts'
import { IDENTITY_FILE_NAME } from '../constants.ts'

/**
 * The device's Ed25519 key, created on first run. Its PeerId is the device's identity
 * everywhere (presence, noise handshakes), so the file is private to the user.
 */
export async function loadOrCreateIdentity (dataDir: string): Promise<PrivateKey> {
  // The data dir holds the key, the trust store and the history: private even if it existed before.
  makePrivateDir(dataDir)
  const path = join(dataDir, IDENTITY_FILE_NAME)
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AppError('IDENTITY_INVALID', `cannot read identity key ${path}`, { cause: err })
    }
    const key = await generateKeyPair('Ed25519')
    try {
      // 'wx': two processes starting at once must not both write a key.
      await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' })
      return key
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new AppError('IDENTITY_INVALID', `cannot write identity key ${path}`, { cause: writeErr })
      }
      bytes = await readFile(path)
    }
  }
  // A key copied with loose permissions is made private again.
  makePrivateFile(path)
  try {
    const key = privateKeyFromProtobuf(bytes)
    if (key.type !== 'Ed25519') throw new Error(`key type ${key.type}`)
    return key
  } catch (err) {
    throw new AppError('IDENTITY_INVALID', `identity key ${path} is damaged; move it away to create a new identity`, { cause: err })
  }
}
