/** A stable colour for a device, from its PeerId, so it looks the same on every screen. */
export function avatarColor (peerId: string): string {
  let hash = 0
  for (const char of peerId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return `hsl(${hash % 360} 55% 45%)`
}

export function initials (name: string): string {
  const words = name.trim().split(/\s+/).filter(word => word !== '')
  const letters = words.length >= 2 ? [words[0]?.[0], words[1]?.[0]] : [name.trim()[0], name.trim()[1]]
  return letters.filter((letter): letter is string => letter !== undefined).join('').toUpperCase() || '?'
}
