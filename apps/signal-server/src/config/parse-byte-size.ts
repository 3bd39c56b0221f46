const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4
}

/**
 * Parses a byte count such as `1048576`, `512MiB` or `64 GiB` (binary units only,
 * so nobody wonders whether a GB is 10^9 or 2^30). Undefined when unparsable or
 * beyond 2^53 - 1.
 */
export function parseByteSize (text: string): number | undefined {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text)
  if (match == null) return undefined
  const unitBytes = UNIT_BYTES[(match[2] === '' ? 'b' : match[2] ?? 'b').toLowerCase()]
  if (unitBytes == null) return undefined
  const bytes = Number(match[1]) * unitBytes
  return Number.isSafeInteger(bytes) ? bytes : undefined
}
