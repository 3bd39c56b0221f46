import {
  AppError, MAX_CHUNK_SIZE_BYTES, MAX_FILES, MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_PATH_DEPTH, MAX_TOTAL_BYTES,
  MIN_CHUNK_SIZE_BYTES, type ManifestEntry, type OfferMessage
} from '@p2pft/protocol'
import { toNameKey } from './safe-name.ts'

/** An offer that passed validation: safe to show a person and to plan on disk. */
export interface IncomingOffer {
  transferId: string
  senderName: string
  entries: ManifestEntry[]
  /** Entries of kind `file`. */
  fileCount: number
  totalBytes: number
}

const encoder = new TextEncoder()
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/
/** `C:x` is drive-relative on Windows, `C:\x` absolute: both leave the download folder. */
const DRIVE_PREFIX = /^[A-Za-z]:/

/** A peer's path, quoted with control characters escaped and cut short, fit for a message. */
function quote (path: string): string {
  const quoted = JSON.stringify(path)
  return quoted.length <= 120 ? quoted : `${quoted.slice(0, 117)}..."`
}

function isValidSize (bytes: number): boolean {
  return Number.isInteger(bytes) && bytes >= 0 && bytes <= MAX_TOTAL_BYTES
}

/** Why `path` may not be used as a relative path, or undefined when it may. */
function findPathProblem (path: string): string | undefined {
  if (path === '') return 'is empty'
  // A lone surrogate becomes U+FFFD on disk, so two different paths could land on one name.
  if (!path.isWellFormed()) return 'is not valid Unicode'
  if (CONTROL_CHARACTER.test(path)) return 'contains a control character'
  if (path.includes('\\')) return 'contains a backslash'
  if (path.startsWith('/') || DRIVE_PREFIX.test(path)) return 'is absolute'
  if (encoder.encode(path).byteLength > MAX_PATH_BYTES) return `is longer than ${MAX_PATH_BYTES} bytes`
  const segments = path.split('/')
  if (segments.length > MAX_PATH_DEPTH) return `is nested deeper than ${MAX_PATH_DEPTH} folders`
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') return 'has an empty, "." or ".." part'
    if (encoder.encode(segment).byteLength > MAX_NAME_BYTES) return `has a name longer than ${MAX_NAME_BYTES} bytes`
  }
  return undefined
}

/**
 * Checks an offer before anyone is asked about it. Throws AppError with the code of the
 * first rule broken. Duplicates are compared as the receiver's disk would see them
 * (case, Unicode normalisation and Windows-safe renaming ignored), so two entries can
 * never land on one file.
 */
export function validateOffer (offer: OfferMessage): IncomingOffer {
  if (offer.entries.length > MAX_FILES) {
    throw new AppError('TRANSFER_TOO_MANY_FILES', `the offer lists ${offer.entries.length} entries, more than the ${MAX_FILES} allowed`)
  }
  if (!Number.isInteger(offer.chunkSizeBytes) || offer.chunkSizeBytes < MIN_CHUNK_SIZE_BYTES || offer.chunkSizeBytes > MAX_CHUNK_SIZE_BYTES) {
    throw new AppError('TRANSFER_INVALID_CHUNK_SIZE', `chunk size ${offer.chunkSizeBytes} is outside ${MIN_CHUNK_SIZE_BYTES}..${MAX_CHUNK_SIZE_BYTES} bytes`)
  }
  if (!isValidSize(offer.totalBytes)) {
    throw new AppError('TRANSFER_INVALID_SIZE', `total size ${offer.totalBytes} is not a valid byte count`)
  }

  const kindByKey = new Map<string, ManifestEntry['kind']>()
  const keySegments: string[][] = []
  let sumBytes = 0
  let fileCount = 0
  for (const entry of offer.entries) {
    const problem = findPathProblem(entry.path)
    if (problem !== undefined) throw new AppError('TRANSFER_INVALID_PATH', `path ${quote(entry.path)} ${problem}`)
    if (!isValidSize(entry.size)) {
      throw new AppError('TRANSFER_INVALID_SIZE', `${quote(entry.path)} has an invalid size ${entry.size}`)
    }
    if (entry.kind === 'directory' && entry.size !== 0) {
      throw new AppError('TRANSFER_INVALID_SIZE', `folder ${quote(entry.path)} has a size of ${entry.size}`)
    }
    if (entry.kind === 'file') {
      fileCount++
      sumBytes += entry.size
      if (sumBytes > MAX_TOTAL_BYTES) throw new AppError('TRANSFER_INVALID_SIZE', 'the files add up to more bytes than can be counted exactly')
    }
    const segments = entry.path.split('/').map(toNameKey)
    const key = segments.join('/')
    if (kindByKey.has(key)) throw new AppError('TRANSFER_DUPLICATE_PATH', `${quote(entry.path)} is listed twice (names compared ignoring case)`)
    kindByKey.set(key, entry.kind)
    keySegments.push(segments)
  }
  if (sumBytes !== offer.totalBytes) {
    throw new AppError('TRANSFER_INVALID_SIZE', `the files add up to ${sumBytes} bytes, but the offer says ${offer.totalBytes}`)
  }

  // Second pass: a parent may be listed after its child.
  for (const [index, segments] of keySegments.entries()) {
    let ancestor = ''
    for (const segment of segments.slice(0, -1)) {
      ancestor = ancestor === '' ? segment : `${ancestor}/${segment}`
      if (kindByKey.get(ancestor) === 'file') {
        throw new AppError('TRANSFER_DUPLICATE_PATH', `${quote(offer.entries[index]?.path ?? '')} is inside something listed as a file`)
      }
    }
  }

  return {
    transferId: offer.transferId,
    senderName: offer.senderName,
    entries: offer.entries,
    fileCount,
    totalBytes: offer.totalBytes
  }
}
