export type { ByteStream } from './byte-stream.ts'
export type { TransferEvent } from './transfer-event.ts'
export { sendTransfer, type SendTransferOptions, type SendResult } from './transfer-sender.ts'
export {
  receiveTransfer, type ReceiveTransferOptions, type ReceiveResult, type OfferDecision, type DecideContext
} from './transfer-receiver.ts'
export { validateOffer, type IncomingOffer } from './offer-validator.ts'
export { buildManifest, type Manifest, type BuildManifestOptions } from './manifest-builder.ts'
export { createMemoryStreamPair, type MemoryStreamOptions } from './memory-stream.ts'
