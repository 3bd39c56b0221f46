export type { ByteStream } from './byte-stream.ts'
export type { TransferEvent } from './transfer-event.ts'
export { sendTransfer, type ChunkSource, type SendTransferOptions, type SendResult } from './transfer-sender.ts'
export {
  receiveTransfer, isResumable, type ReceiveTransferOptions, type ReceiveResult, type OfferDecision, type DecideContext
} from './transfer-receiver.ts'
export { validateOffer, type IncomingOffer } from './offer-validator.ts'
export { buildManifest, type Manifest, type BuildManifestOptions } from './manifest-builder.ts'
export { createMemoryStreamPair, type MemoryStreamOptions } from './memory-stream.ts'
export { createMemoryResumeStore, type ResumeStore } from './resume-store.ts'
export { discardResumeState } from './discard-resume-state.ts'
export { createReceiveSessions, type ReceiveSessions } from './receive-sessions.ts'
export { deriveTransferId } from './transfer-id.ts'
