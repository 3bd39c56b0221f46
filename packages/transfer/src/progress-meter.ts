import type { ClientEventOf } from '@p2pft/protocol'
import { PROGRESS_INTERVAL_MS, SPEED_WINDOW_MS } from './constants.ts'

export interface ProgressMeterOptions {
  transferId: string
  direction: 'send' | 'receive'
  totalBytes: number
  onProgress: (event: ClientEventOf<'progress'>) => void
  /** Milliseconds from any fixed origin. @default performance.now */
  now?: () => number
  /** Least time between two events. @default PROGRESS_INTERVAL_MS */
  intervalMs?: number
  /** Speed is measured over this much recent time. @default SPEED_WINDOW_MS */
  windowMs?: number
  /** Bytes already done before this meter started (a resumed transfer); they count toward progress, not speed. @default 0 */
  startBytes?: number
}

export interface ProgressMeter {
  readonly bytes: number
  /** Counts bytes moved; emits an event if the last one is old enough. */
  add: (bytes: number) => void
  /** Emits the final event at 100%. */
  complete: () => void
}

interface Sample { timeMs: number, bytes: number }

/** Turns byte counts into throttled progress events with a sliding-window speed and ETA. */
export function createProgressMeter (options: ProgressMeterOptions): ProgressMeter {
  const now = options.now ?? (() => performance.now())
  const intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS
  const windowMs = options.windowMs ?? SPEED_WINDOW_MS
  const startMs = now()
  // samples[0] is the newest sample at or before the window's start: the speed's baseline.
  const startBytes = options.startBytes ?? 0
  const samples: Sample[] = [{ timeMs: startMs, bytes: startBytes }]
  let bytes = startBytes
  let lastEmitMs = startMs

  const emit = (timeMs: number, reported: number): void => {
    const baseline = samples[0] ?? { timeMs: startMs, bytes: startBytes }
    const elapsedMs = timeMs - baseline.timeMs
    const bytesPerSecond = elapsedMs > 0 ? Math.round((bytes - baseline.bytes) * 1000 / elapsedMs) : 0
    const remaining = options.totalBytes - reported
    options.onProgress({
      event: 'progress',
      transferId: options.transferId,
      direction: options.direction,
      bytes: reported,
      total: options.totalBytes,
      bytesPerSecond,
      etaSeconds: remaining <= 0 ? 0 : bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null
    })
    lastEmitMs = timeMs
  }

  return {
    get bytes () { return bytes },

    add (moved) {
      const timeMs = now()
      bytes += moved
      // Samples closer than 1/20 of the window are merged, so a burst of tiny files keeps the list short.
      const last = samples[samples.length - 1]
      if (samples.length > 1 && last !== undefined && timeMs - last.timeMs < windowMs / 20) last.bytes = bytes
      else samples.push({ timeMs, bytes })
      while (samples.length > 1 && (samples[1]?.timeMs ?? timeMs) <= timeMs - windowMs) samples.shift()
      if (timeMs - lastEmitMs >= intervalMs) emit(timeMs, bytes)
    },

    complete () {
      emit(now(), options.totalBytes)
    }
  }
}
