import { createHash } from 'node:crypto'

/** SHA-256 as hex: how secrets the gateway must recognise (app keys, seed tokens) are kept. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}
