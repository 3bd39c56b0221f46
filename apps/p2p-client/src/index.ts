export { main } from './cli/main.ts'
export { createClient, type Client, type ClientOptions } from './client/create-client.ts'
