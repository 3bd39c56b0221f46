import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Where `npm run build -w @p2pft/gui` puts the GUI (apps/gui/dist/www), seen from this package. */
export const GUI_DIST_DIR = fileURLToPath(new URL('../../../gui/dist/www/', import.meta.url))

/** The built GUI folder, or undefined when it has not been built. */
export function findGuiDir (dir: string = GUI_DIST_DIR): string | undefined {
  return existsSync(`${dir}/index.html`) ? dir : undefined
}

/** Served instead of the GUI when it is not built, saying how to build it. */
export function guiMissingPage (): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>P2P File Transfer</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>The app is not built yet</h1>
<p>The daemon is running, but the window's files are missing. In the project folder, run</p>
<pre>npm run build -w @p2pft/gui</pre>
<p>then reload this page. (<code>npm start</code> builds it for you.)</p>
</body></html>
`
}
