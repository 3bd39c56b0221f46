/**
 * Frees a buffer's memory now rather than at the next garbage collection, when the buffer
 * is the whole of its memory (never a slice of a shared pool, whose other parts others use).
 * The caller must be the last user: afterwards the buffer reads as empty.
 */
export function freeBuffer (data: Uint8Array): void {
  const memory = data.buffer
  if (memory instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === memory.byteLength) memory.transfer(0)
}
