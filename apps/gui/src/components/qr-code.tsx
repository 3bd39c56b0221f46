import { useMemo, type ReactNode } from 'react'
import qrcode from 'qrcode-generator'

/** Quiet zone around the code, in modules: scanners need it to find the edges. */
const QUIET_MODULES = 4

/** A QR code as an SVG drawn from the module grid (no HTML strings injected into the page). */
export function QrCode ({ text, label, sizePx = 168 }: { text: string, label: string, sizePx?: number }): ReactNode {
  const { count, path } = useMemo(() => {
    const qr = qrcode(0, 'M')
    qr.addData(text)
    qr.make()
    const modules = qr.getModuleCount()
    let d = ''
    for (let row = 0; row < modules; row++) {
      for (let col = 0; col < modules; col++) {
        if (qr.isDark(row, col)) d += `M${col + QUIET_MODULES} ${row + QUIET_MODULES}h1v1h-1z`
      }
    }
    return { count: modules + 2 * QUIET_MODULES, path: d }
  }, [text])
  return (
    <svg role='img' aria-label={label} width={sizePx} height={sizePx} viewBox={`0 0 ${count} ${count}`} shapeRendering='crispEdges' className='qr-code'>
      <rect width={count} height={count} fill='#fff' />
      <path d={path} fill='#000' />
    </svg>
  )
}
