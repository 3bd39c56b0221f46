export {
  createDaemonClient, tokenFromLocation,
  type DaemonClient, type DaemonClientOptions, type EventHandlers, type EventSubscription, type UploadItem
} from './daemon-client.ts'
