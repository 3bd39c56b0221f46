const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/**
 * True when JSON text nests arrays and objects deeper than `maxDepth` (brackets inside
 * strings do not count). One pass over the text, before JSON.parse builds anything.
 */
export function exceedsJsonDepth (text: string, maxDepth: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (inString) {
      if (char === BACKSLASH) i++
      else if (char === QUOTE) inString = false
    } else if (char === QUOTE) {
      inString = true
    } else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      if (++depth > maxDepth) return true
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) {
      depth--
    }
  }
  return false
}
