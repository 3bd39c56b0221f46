import { blake3 } from '@napi-rs/blake-hash'
import type { OfferMessage } from '@p2pft/protocol'

/** Identifies an offer's content: a resume needs the very same manifest and chunk size. */
export function hashOffer (offer: Pick<OfferMessage, 'entries' | 'chunkSizeBytes' | 'totalBytes'>): string {
  return blake3(Buffer.from(JSON.stringify([offer.chunkSizeBytes, offer.totalBytes, offer.entries]))).toString('hex')
}

/**
 * A transferId that is the same whenever the same sender offers the same files (paths,
 * sizes, mtimes) to the same receiver, so sending again resumes instead of starting over.
 * `seed` names the sender and receiver (e.g. both PeerIds). A changed file changes the id:
 * its old partial data is then never mixed with the new version.
 */
export function deriveTransferId (seed: string, offer: Pick<OfferMessage, 'entries' | 'chunkSizeBytes' | 'totalBytes'>): string {
  return blake3(Buffer.from(`p2pft-transfer-id/1\n${seed}\n${hashOffer(offer)}`)).toString('hex').slice(0, 32)
}
