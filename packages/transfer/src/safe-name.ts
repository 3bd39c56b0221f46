import { MAX_NAME_BYTES } from '@p2pft/protocol'

/**
 * Names on the receiver's disk. Offers are validated on any OS, but the files may land
 * on Windows or be copied there later, so names that Windows refuses are changed the same
 * way everywhere: the result does not depend on where the receiver runs.
 */

/** Legal on Linux and macOS, refused by Windows. (Control characters and `\` never pass validation.) */
const WINDOWS_ILLEGAL = /[<>:"|?*]/g
/** Device names Windows reserves whatever the extension (`con.txt` is the console). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/i

const encoder = new TextEncoder()

function byteLength (text: string): number {
  return encoder.encode(text).byteLength
}

/**
 * `base + suffix`, cutting `base` at a character boundary so the whole fits in
 * MAX_NAME_BYTES. Growing a name (`_`, ` (2)`, `.part`) must not push it over the limit.
 */
export function fitName (base: string, suffix: string): string {
  const room = MAX_NAME_BYTES - byteLength(suffix)
  if (byteLength(base) <= room) return base + suffix
  let cut = ''
  let used = 0
  for (const char of base) {
    const bytes = byteLength(char)
    if (used + bytes > room) break
    cut += char
    used += bytes
  }
  return cut + suffix
}

/** A valid offer segment made safe for every common file system (same input, same output). */
export function toSafeName (segment: string): string {
  let name = segment.replace(WINDOWS_ILLEGAL, '_')
  const dot = name.indexOf('.')
  const stem = dot === -1 ? name : name.slice(0, dot)
  // Windows also ignores spaces before the extension: `nul .txt` is the null device.
  if (WINDOWS_RESERVED.test(stem.trimEnd())) {
    name = fitName(stem, '_' + name.slice(stem.length))
  }
  // Windows drops trailing dots and spaces, which would turn `a.` into `a`.
  if (/[. ]$/.test(name)) name = fitName(name, '_')
  return name
}

/** The key two names collide on: case-insensitive and normalisation-insensitive disks (macOS, Windows) see them as one. */
export function toNameKey (segment: string): string {
  return toSafeName(segment).normalize('NFC').toLowerCase()
}

/**
 * The `n`th alternative to a taken name: `a (1).txt` for files (the number goes before
 * the last extension), `photos (1)` for folders.
 */
export function toNumberedName (name: string, n: number, kind: 'file' | 'directory'): string {
  if (n === 0) return name
  const dot = kind === 'file' ? name.lastIndexOf('.') : -1
  // A leading dot marks a hidden file (`.bashrc`), not an extension.
  const stem = dot > 0 ? name.slice(0, dot) : name
  const extension = dot > 0 ? name.slice(dot) : ''
  const suffix = ` (${n})${extension}`
  return byteLength(suffix) < MAX_NAME_BYTES ? fitName(stem, suffix) : fitName(name, ` (${n})`)
}
