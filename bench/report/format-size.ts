import { GIB, KIB, MIB } from '../constants.ts'

/** `1 GiB`, `16 MiB`, `4 KiB`, `100 B`: the binary units the flags take. */
export function formatSize (bytes: number): string {
  for (const [unit, size] of [['GiB', GIB], ['MiB', MIB], ['KiB', KIB]] as const) {
    if (bytes >= size) {
      const value = bytes / size
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`
    }
  }
  return `${bytes} B`
}
