import type { ReactNode } from 'react'

/** A progress bar a screen reader (and a test) can read: role, label and value in percent. */
export function ProgressBar ({ label, bytes, total }: { label: string, bytes: number, total: number }): ReactNode {
  const percent = total > 0 ? Math.min(100, Math.floor((bytes / total) * 100)) : 0
  return (
    <div className='progress' role='progressbar' aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${percent}%`}>
      <div className='progress-fill' style={{ width: `${percent}%` }} />
    </div>
  )
}
