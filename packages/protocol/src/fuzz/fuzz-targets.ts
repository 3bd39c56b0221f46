import type { TSchema } from 'typebox'
import type { ErrorCode } from '../error-codes.ts'
import { infoResponseDecoder } from '../info-messages.ts'
import { laneResponseDecoder } from '../lane-messages.ts'
import { holePunchPayloadDecoder, observedAddressDecoder } from '../hole-punch-messages.ts'
import { AcceptOfferRequest, IdParams, SendRequest, SettingsUpdateRequest, UploadFileList, UploadQuery } from '../local-api.ts'
import { clientToPairingDecoder, pairingBodyDecoder, pairingIdentityDecoder, pairingToClientDecoder } from '../pairing-messages.ts'
import { createSchemaDecoder, type SchemaDecoder } from '../schema-decoder.ts'
import { clientToSignalDecoder, signalToClientDecoder } from '../signal-messages.ts'
import { FrameDecoder } from '../transfer-frames.ts'
import {
  abortDecoder, chunkAckDecoder, completeDecoder, doneDecoder, fileEndDecoder, fileResultDecoder, keepaliveDecoder, offerDecoder,
  offerResponseDecoder
} from '../transfer-messages.ts'
import { readTargetCorpus } from './fuzz-corpus.ts'
import type { FuzzTarget } from './run-fuzz.ts'
import { encodeFrameView, toFrameView, type FrameView } from './frame-view.ts'

const encoder = new TextEncoder()

interface JsonDecoderSpec {
  decoder: SchemaDecoder<TSchema>
  code: ErrorCode
}

/** Every JSON decoder at a process boundary, by fuzz target (= corpus folder) name. */
export const JSON_DECODERS: Record<string, JsonDecoderSpec> = {
  'offer': { decoder: offerDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'offer-response': { decoder: offerResponseDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'file-end': { decoder: fileEndDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'file-result': { decoder: fileResultDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'done': { decoder: doneDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'complete': { decoder: completeDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'abort': { decoder: abortDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'keepalive': { decoder: keepaliveDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'chunk-ack': { decoder: chunkAckDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'hole-punch': { decoder: holePunchPayloadDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'info-response': { decoder: infoResponseDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'lane-response': { decoder: laneResponseDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'observed-address': { decoder: observedAddressDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'client-to-signal': { decoder: clientToSignalDecoder, code: 'SIGNAL_INVALID_MESSAGE' },
  'client-to-pairing': { decoder: clientToPairingDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'pairing-to-client': { decoder: pairingToClientDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'pairing-body': { decoder: pairingBodyDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'pairing-identity': { decoder: pairingIdentityDecoder, code: 'PROTOCOL_INVALID_MESSAGE' },
  'signal-to-client': { decoder: signalToClientDecoder, code: 'SIGNAL_INVALID_MESSAGE' },
  // The daemon's request schemas, decoded the way its own decoders (upload list, accept) do.
  'api-settings-update': { decoder: createSchemaDecoder(SettingsUpdateRequest, 'API_INVALID_REQUEST', 'settings'), code: 'API_INVALID_REQUEST' },
  'api-send': { decoder: createSchemaDecoder(SendRequest, 'API_INVALID_REQUEST', 'send request'), code: 'API_INVALID_REQUEST' },
  'api-upload-file-list': { decoder: createSchemaDecoder(UploadFileList, 'API_INVALID_REQUEST', 'upload file list'), code: 'API_INVALID_REQUEST' },
  'api-accept-offer': { decoder: createSchemaDecoder(AcceptOfferRequest, 'API_INVALID_REQUEST', 'accept request'), code: 'API_INVALID_REQUEST' },
  'api-id-params': { decoder: createSchemaDecoder(IdParams, 'API_INVALID_REQUEST', 'id'), code: 'API_INVALID_REQUEST' },
  'api-upload-query': { decoder: createSchemaDecoder(UploadQuery, 'API_INVALID_REQUEST', 'upload query'), code: 'API_INVALID_REQUEST' }
}

/** A JSON decoder as a fuzz target: bytes in, the message out, JSON again for the round trip. */
export async function jsonFuzzTarget (name: string): Promise<FuzzTarget<unknown>> {
  const spec = JSON_DECODERS[name]
  if (spec === undefined) throw new Error(`no JSON decoder named ${name}`)
  const corpus = await readTargetCorpus(name)
  return {
    name,
    seeds: corpus.valid,
    regressions: corpus.found,
    mutation: 'json',
    decode: input => spec.decoder.decodeJson(input),
    encode: value => encoder.encode(JSON.stringify(value)),
    codes: [spec.code]
  }
}

/**
 * The transfer protocol's frame decoder over a whole byte sequence, delivered in two
 * pieces: every whole frame it yields (a trailing partial frame just waits for more).
 */
export async function frameFuzzTarget (): Promise<FuzzTarget<FrameView[]>> {
  const corpus = await readTargetCorpus('transfer-frames')
  return {
    name: 'transfer-frames',
    seeds: corpus.valid,
    regressions: corpus.found,
    mutation: 'bytes',
    decode: input => {
      const decoder = new FrameDecoder()
      const frames: FrameView[] = []
      const half = input.byteLength >> 1
      for (const piece of [input.subarray(0, half), input.subarray(half)]) {
        decoder.push(piece)
        for (let frame = decoder.next(); frame !== undefined; frame = decoder.next()) frames.push(toFrameView(frame))
      }
      return frames
    },
    encode: frames => Buffer.concat(frames.map(encodeFrameView)),
    codes: ['PROTOCOL_INVALID_MESSAGE', 'PROTOCOL_MESSAGE_TOO_LARGE']
  }
}
