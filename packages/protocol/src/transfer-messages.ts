import Type, { type Static } from 'typebox'
import { BLAKE3_BYTES } from './constants.ts'
import { DisplayName, ErrorCodeText, ErrorMessageText } from './common-schemas.ts'
import { createSchemaDecoder } from './schema-decoder.ts'

/**
 * Control messages of the transfer protocol (docs/protocol.md, "Transfer protocol").
 * Each travels as JSON in one control frame. Paths, sizes and counts are only loosely
 * typed here: the receiver's manifest check gives each a precise error code.
 */

const Blake3Hex = Type.String({ minLength: BLAKE3_BYTES * 2, maxLength: BLAKE3_BYTES * 2, pattern: '^[0-9a-f]+$' })
export const TransferId = Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })

export const ManifestEntry = Type.Object({
  /** Relative path with `/` separators, e.g. `photos/2024/a.jpg`. */
  path: Type.String({ maxLength: 16_384 }),
  kind: Type.Union([Type.Literal('file'), Type.Literal('directory')]),
  /** Bytes; 0 for directories. */
  size: Type.Integer(),
  /** Last modification time in ms since the epoch; the receiver restores it. */
  mtimeMs: Type.Number()
})
export type ManifestEntry = Static<typeof ManifestEntry>

export const OfferMessage = Type.Object({
  transferId: TransferId,
  senderName: DisplayName,
  chunkSizeBytes: Type.Integer(),
  totalBytes: Type.Integer(),
  entries: Type.Array(ManifestEntry)
})
export type OfferMessage = Static<typeof OfferMessage>

/**
 * What a receiver already holds of one file when it resumes a transfer it knows (same
 * transferId, same sender, same offer): the file is in place (`complete`), or the first
 * `verifiedChunks` chunks are verified in its `.part`. Files not listed start from chunk 0.
 */
export const ResumePoint = Type.Object({
  fileIndex: Type.Integer({ minimum: 0 }),
  verifiedChunks: Type.Integer({ minimum: 0 }),
  /** The file is verified and in its final place: the sender sends nothing for it. */
  complete: Type.Optional(Type.Boolean()),
  /** BLAKE3 of the verified prefix (or of the whole file when complete), so the sender can tell its source changed. */
  blake3: Type.Optional(Blake3Hex)
})
export type ResumePoint = Static<typeof ResumePoint>

export const OfferResponseMessage = Type.Object({
  accepted: Type.Boolean(),
  /** Why the offer was declined (TRANSFER_DECLINED when a person said no). */
  code: Type.Optional(ErrorCodeText),
  message: Type.Optional(ErrorMessageText),
  /** Accepted as the resumption of an earlier, interrupted exchange: what is already here. Absent: start from scratch. */
  resume: Type.Optional(Type.Array(ResumePoint)),
  /**
   * The receiver acknowledges chunks on disk with `chunk-ack` frames and asks the sender to
   * keep at most this many chunk bytes unacknowledged, which bounds what an interruption
   * loses in flight. Absent (older receivers): no limit.
   */
  flowWindowBytes: Type.Optional(Type.Integer({ minimum: 1 }))
})
export type OfferResponseMessage = Static<typeof OfferResponseMessage>

/** Sent after the last chunk of a file: the BLAKE3 of the whole file. */
export const FileEndMessage = Type.Object({
  fileIndex: Type.Integer({ minimum: 0 }),
  blake3: Blake3Hex
})
export type FileEndMessage = Static<typeof FileEndMessage>

/** The receiver's verdict on one file, after it verified and renamed it (or failed to). */
export const FileResultMessage = Type.Object({
  fileIndex: Type.Integer({ minimum: 0 }),
  ok: Type.Boolean(),
  blake3: Type.Optional(Blake3Hex),
  code: Type.Optional(ErrorCodeText),
  message: Type.Optional(ErrorMessageText)
})
export type FileResultMessage = Static<typeof FileResultMessage>

/** Sender: every entry was sent. */
export const DoneMessage = Type.Object({})
export type DoneMessage = Static<typeof DoneMessage>

/** Receiver's final word: every file verified and in place, or why not. */
export const CompleteMessage = Type.Object({
  ok: Type.Boolean(),
  verifiedFiles: Type.Integer({ minimum: 0 }),
  code: Type.Optional(ErrorCodeText),
  message: Type.Optional(ErrorMessageText)
})
export type CompleteMessage = Static<typeof CompleteMessage>

/** Either side stops the transfer (cancel, error); the other side stops too. */
export const AbortMessage = Type.Object({
  code: ErrorCodeText,
  message: ErrorMessageText
})
export type AbortMessage = Static<typeof AbortMessage>

/** Either side, when it sent nothing for a while: proves the peer is alive (empty body `{}`). */
export const KeepaliveMessage = Type.Object({})
export type KeepaliveMessage = Static<typeof KeepaliveMessage>

/** Receiver: chunk bytes of this exchange verified and written so far (counted from 0 at each offer-response). */
export const ChunkAckMessage = Type.Object({
  bytes: Type.Integer({ minimum: 0 })
})
export type ChunkAckMessage = Static<typeof ChunkAckMessage>

const decoder = <T extends Parameters<typeof createSchemaDecoder>[0]>(schema: T, what: string) =>
  createSchemaDecoder(schema, 'PROTOCOL_INVALID_MESSAGE', what)

export const offerDecoder = decoder(OfferMessage, 'offer')
export const offerResponseDecoder = decoder(OfferResponseMessage, 'offer response')
export const fileEndDecoder = decoder(FileEndMessage, 'file end')
export const fileResultDecoder = decoder(FileResultMessage, 'file result')
export const doneDecoder = decoder(DoneMessage, 'done')
export const completeDecoder = decoder(CompleteMessage, 'completion')
export const abortDecoder = decoder(AbortMessage, 'abort')
export const keepaliveDecoder = decoder(KeepaliveMessage, 'keepalive')
export const chunkAckDecoder = decoder(ChunkAckMessage, 'chunk ack')
