import { Compile } from 'typebox/compile'
import type { Static, TSchema } from 'typebox'
import { AppError } from './app-error.ts'
import { MAX_EXPLAINED_JSON_BYTES, MAX_JSON_DEPTH } from './constants.ts'
import type { ErrorCode } from './error-codes.ts'
import { exceedsJsonDepth } from './json-depth.ts'

export interface SchemaDecoder<T extends TSchema> {
  /** Validates an already parsed value; throws AppError with the decoder's code. */
  decode: (value: unknown) => Static<T>
  /** Parses JSON text or UTF-8 bytes (at most MAX_JSON_DEPTH deep), then validates. */
  decodeJson: (input: string | Uint8Array) => Static<T>
  check: (value: unknown) => value is Static<T>
  schema: T
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Compiles a schema once into a decoder, so every boundary validates with the same
 * object and rejects with a typed error naming the first offending field. Compiled on
 * first use, not when its module loads: a command uses a few of the ~50 decoders, and
 * compiling them all cost every command's start-up about 15 ms.
 */
export function createSchemaDecoder<T extends TSchema> (schema: T, code: ErrorCode, what: string): SchemaDecoder<T> {
  const compile = () => Compile(schema)
  let compiledOnce: ReturnType<typeof compile> | undefined
  const compiled = (): ReturnType<typeof compile> => (compiledOnce ??= compile())

  /** Validates; `explain` false skips naming the field, whose search costs as much as the value is big. */
  const validate = (value: unknown, explain: boolean): Static<T> => {
    if (compiled().Check(value)) return value
    if (!explain) throw new AppError(code, `invalid ${what}: does not match the schema`)
    const first = compiled().Errors(value)[0]
    const where = first?.instancePath === '' || first == null ? '' : ` at ${first.instancePath}`
    throw new AppError(code, `invalid ${what}${where}: ${first?.message ?? 'does not match the schema'}`)
  }

  const decodeJson = (input: string | Uint8Array): Static<T> => {
    let parsed: unknown
    let text: string
    try {
      text = typeof input === 'string' ? input : utf8.decode(input)
    } catch (err) {
      throw new AppError(code, `invalid ${what}: not UTF-8`, { cause: err })
    }
    if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) throw new AppError(code, `invalid ${what}: nested deeper than ${MAX_JSON_DEPTH} levels`)
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      throw new AppError(code, `invalid ${what}: not JSON`, { cause: err })
    }
    return validate(parsed, text.length <= MAX_EXPLAINED_JSON_BYTES)
  }

  return { decode: value => validate(value, true), decodeJson, check: (value: unknown): value is Static<T> => compiled().Check(value), schema }
}
