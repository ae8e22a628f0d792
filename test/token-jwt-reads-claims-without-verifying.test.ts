// The gateway reads `exp` to know when to refresh and shows harmless claims in status; it never
// verifies (Hubstaff does) and must not throw on a token that is not a JWT.
import t from 'tap'
import { jwtClaims, jwtExpiry } from '../src/token/jwt.js'
import { fakeJwt } from './helpers/memory-token-store.js'

const part = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url')

void t.test('jwtExpiry', (t) => {
  t.equal(jwtExpiry(fakeJwt(1_700_000_000_000)), 1_700_000_000_000, 'exp seconds become epoch ms')
  t.equal(jwtExpiry('opaque'), undefined, 'not a JWT')
  t.equal(jwtExpiry(`h.${part('not json')}.s`), undefined, 'payload not JSON')
  t.equal(jwtExpiry(`h.${part({ sub: 1 })}.s`), undefined, 'no exp')
  t.equal(jwtExpiry(`h.${part({ exp: '1700000000' })}.s`), undefined, 'exp not a number')
  t.end()
})

void t.test('jwtClaims', (t) => {
  t.same(jwtClaims(fakeJwt(1_700_000_000_000, { sub: 'u1' })), { exp: 1_700_000_000, sub: 'u1' })
  t.equal(jwtClaims('opaque'), undefined)
  t.equal(jwtClaims(`h.${part('not json')}.s`), undefined)
  t.equal(jwtClaims(`h.${part(42)}.s`), undefined, 'claims must be an object')
  t.equal(jwtClaims(`h.${part(null)}.s`), undefined)
  t.end()
})
