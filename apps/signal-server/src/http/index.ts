export { createHttpApp } from './create-http-app.ts'
export type { HttpAppDeps, HttpAppOptions } from './create-http-app.ts'
export { HealthResponse, HttpErrorBody } from './http-bodies.ts'
