import { readFile, writeFile } from 'node:fs/promises'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { AppError } from '@p2pft/protocol'

/**
 * The relay's identity from `path` (a libp2p protobuf-encoded private key), so its
 * PeerId stays the same across restarts. A missing file is created with a new
 * Ed25519 key, readable by the owner only.
 */
export async function loadOrCreateRelayKey (path: string): Promise<PrivateKey> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if (!isNotFound(err)) throw new AppError('IDENTITY_INVALID', `cannot read relay key file ${path}`, { cause: err })
    return await createKeyFile(path)
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new AppError('IDENTITY_INVALID', `relay key file ${path} does not hold a libp2p private key`, { cause: err })
  }
}

async function createKeyFile (path: string): Promise<PrivateKey> {
  const key = await generateKeyPair('Ed25519')
  try {
    // 'wx' fails if another process created the file meanwhile, rather than overwriting its key.
    await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' })
  } catch (err) {
    throw new AppError('IDENTITY_INVALID', `cannot create relay key file ${path}`, { cause: err })
  }
  return key
}

function isNotFound (err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT'
}
