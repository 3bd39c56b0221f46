/** Enough of a PeerId to tell peers apart in logs, without writing whole identities into them. */
export function shortId (peerId: string | undefined): string | undefined {
  return peerId?.slice(-8)
}
