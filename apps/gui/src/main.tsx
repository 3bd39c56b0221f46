import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.tsx'
import { connectToDaemon } from './daemon-connection.ts'
import { MissingToken } from './components/missing-token.tsx'
import './styles.css'

const root = document.getElementById('root')
if (root !== null) {
  const client = connectToDaemon()
  createRoot(root).render(
    <StrictMode>
      {client === undefined ? <MissingToken /> : <App client={client} />}
    </StrictMode>
  )
}
