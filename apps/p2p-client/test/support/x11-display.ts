import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'

/** X keycode of Return in Xvfb's default (evdev) keymap. */
export const KEYCODE_RETURN = 36

/** A private Xvfb display for a test, stopped by `stop`. */
export interface VirtualDisplay {
  display: string
  stop: () => Promise<void>
}

export async function startXvfb (): Promise<VirtualDisplay> {
  const number = 90 + Math.floor(Math.random() * 400)
  const child: ChildProcess = spawn('Xvfb', [`:${number}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' })
  const socket = `/tmp/.X11-unix/X${number}`
  const deadline = Date.now() + 10_000
  while (!existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Xvfb :${number} did not start`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return {
    display: `:${number}`,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}

/**
 * Presses and releases one key on an X display through the XTEST extension, speaking the
 * X11 protocol over its Unix socket (no xdotool needed): the focused window gets the key.
 */
export async function pressKey (display: string, keycode: number): Promise<void> {
  const socket = connect(`/tmp/.X11-unix/X${display.replace(/^:/, '').split('.')[0] ?? ''}`)
  let buffer = Buffer.alloc(0)
  const read = async (bytes: number | ((data: Buffer) => number | undefined)): Promise<Buffer> => {
    for (;;) {
      const need = typeof bytes === 'number' ? bytes : bytes(buffer)
      if (need !== undefined && buffer.length >= need) {
        const out = buffer.subarray(0, need)
        buffer = buffer.subarray(need)
        return out
      }
      await new Promise<void>((resolve, reject) => {
        socket.once('data', (data: Buffer) => { buffer = Buffer.concat([buffer, data]); resolve() })
        socket.once('error', reject)
      })
    }
  }
  try {
    // Connection setup: little-endian, protocol 11.0, no authorisation (Xvfb without -auth).
    const setup = Buffer.alloc(12)
    setup.write('l', 0)
    setup.writeUInt16LE(11, 2)
    socket.write(setup)
    const reply = await read(data => data.length >= 8 ? 8 + data.readUInt16LE(6) * 4 : undefined)
    if (reply[0] !== 1) throw new Error('the X server refused the connection')
    // QueryExtension("XTEST") gives the extension's major opcode.
    const name = Buffer.from('XTEST')
    const query = Buffer.alloc(8 + Math.ceil(name.length / 4) * 4)
    query[0] = 98
    query.writeUInt16LE(query.length / 4, 2)
    query.writeUInt16LE(name.length, 4)
    name.copy(query, 8)
    socket.write(query)
    const extension = await read(32)
    if (extension[8] !== 1) throw new Error('the X server has no XTEST extension')
    const opcode = extension[9] ?? 0
    // XTestFakeInput: KeyPress (2) then KeyRelease (3).
    for (const type of [2, 3]) {
      const fake = Buffer.alloc(36)
      fake[0] = opcode
      fake[1] = 2
      fake.writeUInt16LE(9, 2)
      fake[4] = type
      fake[5] = keycode
      socket.write(fake)
    }
    // GetInputFocus: its reply means the server has processed the key events.
    const sync = Buffer.alloc(4)
    sync[0] = 43
    sync.writeUInt16LE(1, 2)
    socket.write(sync)
    await read(32)
  } finally {
    socket.destroy()
  }
}
