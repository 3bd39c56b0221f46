import type { ReactNode } from 'react'
import { avatarColor, initials } from '../avatar-color.ts'

export function Avatar ({ peerId, name }: { peerId: string, name: string }): ReactNode {
  return <span className='avatar' style={{ background: avatarColor(peerId) }} aria-hidden='true'>{initials(name)}</span>
}
