// Two apps asking the same question in different words must share one upstream request; two
// different questions must never share an answer.
import t from 'tap'
import { canonicalQuery, parseQuery, parsedKey, parseRequest, pathOfRoute, routeText } from '../src/api/query.js'
import { cacheKey, routeOfKey } from '../src/cache/key.js'

// The list parameters of the operation a path names; these are the usual ones.
const LISTS = new Set(['user_ids', 'include', 'ids', 'list'])
const canon = (query: string): string => canonicalQuery(parseQuery(query, LISTS))

void t.test('list parameters: comma form and bracket form are one key', (t) => {
  t.equal(canon('user_ids=1,2'), canon('user_ids[]=1&user_ids[]=2'))
  t.equal(canon('user_ids[]=1,2'), canon('user_ids=1,2'))
  t.equal(canon('user_ids%5B%5D=1&user_ids%5B%5D=2'), canon('user_ids=1,2'), 'percent-encoded brackets too')
  t.equal(canon('user_ids=1%2C2'), canon('user_ids=1,2'), 'an encoded comma is a comma to Hubstaff as well')
  t.not(canon('user_ids=1,2'), canon('user_ids=2,1'), 'order within a list is kept: it may be meaningful')
  t.end()
})

void t.test('keys are sorted; values keep their order', (t) => {
  t.equal(canon('page_limit=100&include=users,projects&status=active'), 'include=users,projects&page_limit=100&status=active')
  t.equal(canon('b=2&a=1'), canon('a=1&b=2'))
  t.equal(canon('time_slot[stop]=2026-07-02T00:00:00Z&time_slot[start]=2026-07-01T00:00:00Z'), 'time_slot[start]=2026-07-01T00:00:00Z&time_slot[stop]=2026-07-02T00:00:00Z')
  t.end()
})

void t.test('empty parameters are dropped', (t) => {
  t.equal(canon('a=1&empty=&flag&ids[]=&list=,,'), 'a=1')
  t.equal(canon('user_ids=1,,2'), canon('user_ids=1,2'))
  t.equal(canon(''), '')
  t.equal(canon('&&'), '')
  t.end()
})

void t.test('different questions stay different', (t) => {
  t.not(canon('x=1&x=2'), canon('x=1,2'), 'a repeated plain key is not a list (Rack keeps the last)')
  t.not(canon('page_start_id=0'), canon('page_start_id=100'))
  t.not(canon('a=1'), canon('a=10'))
  t.not(canon('a=b%26c=d'), canon('a=b&c=d'), 'an encoded & stays part of the value')
  t.end()
})

void t.test('form decoding: + is a space, bad escapes are kept as sent', (t) => {
  t.equal(canon('q=a+b'), canon('q=a%20b'))
  t.equal(canon('q=%zz'), 'q=%25zz')
  t.end()
})

void t.test('a key names the identity, the method and the route; routes come back out of keys', (t) => {
  const params = parseQuery('user_ids[]=2&user_ids[]=1&page_limit=', LISTS)
  const route = routeText('/v2/organizations/1/members', params)
  t.equal(route, '/v2/organizations/1/members?user_ids=2,1')
  t.equal(routeText('/v2/users/me', parseQuery('')), '/v2/users/me')
  const request = parseRequest({ method: 'GET', path: '/v2/organizations/1/members/', query: 'user_ids[]=2&user_ids[]=1&page_limit=' })
  const key = cacheKey('live:https://api.hubstaff.com', parsedKey(request))
  t.equal(routeOfKey(key), route, 'the path is normalised: no trailing slash')
  t.equal(routeOfKey(cacheKey('live:x', parsedKey(request, { variant: 'code=404' }))), route, 'a variant stays out of the route')
  t.equal(pathOfRoute(route), '/v2/organizations/1/members')
  t.not(cacheKey('live:http://a', parsedKey(request)), cacheKey('mock:http://a', parsedKey(request)), 'answers of different upstreams never mix')
  t.end()
})
