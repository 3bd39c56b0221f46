import { readFile } from 'node:fs/promises'

/** Clock ticks per second in /proc: USER_HZ, 100 on every Linux architecture Node runs on. */
const PROC_TICKS_PER_SECOND = 100

/**
 * CPU seconds (user + system) a running process has used so far, from /proc/<pid>/stat;
 * undefined where there is no /proc or the process is gone. For a long-lived process
 * shared by several runs (the signal server), read before and after a run.
 */
export async function readCpuSeconds (pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined
  let stat: string
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
  const ticks = Number(fields[11]) + Number(fields[12])
  return Number.isFinite(ticks) ? ticks / PROC_TICKS_PER_SECOND : undefined
}
