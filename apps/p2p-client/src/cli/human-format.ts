import type { ConnectionRoute } from '@p2pft/protocol'

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const

/** `65536` → `64.0 KiB`. */
export function formatBytes (bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) { value /= 1024; unit++ }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`
}

/** Speeds in MB/s (decimal), as users compare them with other tools. */
export function formatSpeed (bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`
}

/** `75` → `1m15s`; unknown → `--`. */
export function formatEta (seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--'
  const whole = Math.max(0, Math.round(seconds))
  if (whole < 60) return `${whole}s`
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`
  return `${Math.floor(whole / 3600)}h${String(Math.floor(whole / 60) % 60).padStart(2, '0')}m`
}

/** `[#########...........]  45%  28.8 MiB / 64.0 MiB  52.1 MB/s  ETA 1s` */
export function formatProgressLine (bytes: number, total: number, bytesPerSecond: number, etaSeconds: number | null, width = 24): string {
  const fraction = total === 0 ? 1 : Math.min(1, bytes / total)
  const filled = Math.round(fraction * width)
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled)
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4)
  return `[${bar}] ${percent}  ${formatBytes(bytes)} / ${formatBytes(total)}  ${formatSpeed(bytesPerSecond)}  ETA ${formatEta(etaSeconds)}`
}

const ROUTE_WORDS: Record<ConnectionRoute, string> = { lan: 'on this network', public: 'public address', upnp: 'UPnP port', 'hole-punch': 'hole-punched' }

/** `direct · hole-punched`, `direct · on this network`, `relayed`. */
export function formatConnection (connection: { type: 'direct' | 'relayed', route?: ConnectionRoute }): string {
  return connection.route === undefined ? connection.type : `${connection.type} · ${ROUTE_WORDS[connection.route]}`
}
