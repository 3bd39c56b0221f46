import qrcode from 'qrcode-generator'

/** Quiet zone around the code, in modules: scanners need it to find the edges. */
const QUIET_MODULES = 2

/**
 * Draws `text` as a QR code for a terminal: two module rows per text line with half-block
 * characters, dark modules as spaces on a light background so it scans in dark and light themes.
 */
export function renderTerminalQrCode (text: string): string {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const modules = qr.getModuleCount()
  const isDark = (row: number, col: number): boolean =>
    row >= 0 && col >= 0 && row < modules && col < modules && qr.isDark(row, col)
  const lines: string[] = []
  for (let row = -QUIET_MODULES; row < modules + QUIET_MODULES; row += 2) {
    let line = ''
    for (let col = -QUIET_MODULES; col < modules + QUIET_MODULES; col++) {
      const top = isDark(row, col)
      const bottom = isDark(row + 1, col)
      // Light pixels are drawn, dark ones left as background: upper half, lower half, full, none.
      line += top ? (bottom ? ' ' : '▄') : (bottom ? '▀' : '█')
    }
    lines.push(line)
  }
  return lines.join('\n')
}
