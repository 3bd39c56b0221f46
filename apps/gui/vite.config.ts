import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// Built into dist/www (dist/types holds tsc's declarations); the daemon serves it on 127.0.0.1.
export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: 'dist/www', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 }
})
