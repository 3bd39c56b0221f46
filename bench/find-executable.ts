import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** Where `name` is on PATH (plus the sbin folders, where sshd lives), or undefined. */
export function findExecutable (name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin']
  for (const dir of dirs) {
    if (dir === '') continue
    const path = join(dir, name)
    try {
      accessSync(path, constants.X_OK)
      return path
    } catch { /* not here */ }
  }
  return undefined
}
