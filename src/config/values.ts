import { z } from 'zod'
import { ROUTE_PATTERN_SYNTAX } from '../cache/route-pattern.js'

/**
 * The kinds of value settings take, as zod schemas. Every one also reads the text form a flag or
 * an environment variable gives, so that one parser serves flags, environment and config file.
 */

export const MODES = ['live', 'record', 'replay', 'mock'] as const
export type Mode = (typeof MODES)[number]

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const PRIORITIES = ['interactive', 'batch'] as const
export type Priority = (typeof PRIORITIES)[number]

export const FALLBACKS = ['none', 'mock', 'record-missing'] as const

export const MOCK_SIZES = ['small', 'medium', 'large'] as const
export type Fallback = (typeof FALLBACKS)[number]

export const text = z.string().trim().min(1)

export function wholeNumber(min: number, max: number) {
  return z
    .union([z.number(), z.string().trim().regex(/^-?\d+$/).transform(Number)])
    .pipe(z.number().int().min(min).max(max))
}

export function seconds(min: number, max: number) {
  return z
    .union([z.number(), z.string().trim().regex(/^\d+(\.\d+)?$/).transform(Number)])
    .pipe(z.number().min(min).max(max))
}

export function httpUrl() {
  return text.pipe(
    z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  )
}

export function redisUrl() {
  return text.pipe(z.url({ protocol: /^rediss?$/ }))
}

export function bool() {
  return z.union([
    z.boolean(),
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']))
      .transform((v) => ['true', '1', 'yes', 'on'].includes(v)),
  ])
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return text.pipe(z.enum(values))
}

/** Text that must be JSON; an issue (and no value) otherwise. */
function parseJsonText(text: string, ctx: z.RefinementCtx): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not valid JSON' })
    return z.NEVER
  }
}

/**
 * A structured setting: a JSON value in the config file, or the same JSON as text in a flag or
 * environment variable (handy for containers).
 */
export function json<S extends z.ZodType>(schema: S) {
  return z.union([z.string().trim().transform(parseJsonText).pipe(schema), schema])
}

/** JSON field names or dotted paths, as a JSON array or a comma-separated list. */
export function jsonPaths() {
  const path = z.string().trim().regex(/^[\w$-]+(\.(\*|[\w$-]+))*$/)
  return z.union([
    z
      .string()
      .trim()
      .transform((text, ctx) => (text.startsWith('[') ? parseJsonText(text, ctx) : text.split(',').map((p) => p.trim())))
      .pipe(z.array(path)),
    z.array(path),
  ])
}

/** A span: seconds, or a number with s, m, h or d (`7d`), from a minute to three years; in seconds. */
export function span() {
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 }
  return z
    .union([z.number(), z.string().trim().regex(/^\d+(\.\d+)?[smhd]?$/).transform((t) => Number.parseFloat(t) * (unit[t.slice(-1)] ?? 1))])
    .pipe(z.number().min(60).max(3 * 366 * 86_400))
}

/** An app of a team sharing the gateway. Keys are stored only as their SHA-256. */
const appSchema = z
  .object({
    name: z.string().regex(/^[\w.-]{1,64}$/),
    keySha256: z.string().regex(/^[0-9a-f]{64}$/),
    quota: z.number().gt(0).max(1).optional(),
    priority: z.enum(PRIORITIES).optional(),
    /** The app's key also opens the admin surface. */
    admin: z.boolean().optional(),
  })
  .strict()

export type AppConfig = z.output<typeof appSchema>

/** The apps of team mode: names and keys unique. */
export const appsSchema = z.array(appSchema).superRefine((apps, ctx) => {
  const names = new Set<string>()
  const keys = new Set<string>()
  for (const app of apps) {
    if (names.has(app.name)) ctx.addIssue({ code: 'custom', message: `duplicate app name ${app.name}` })
    if (keys.has(app.keySha256)) ctx.addIssue({ code: 'custom', message: `two apps share one key` })
    names.add(app.name)
    keys.add(app.keySha256)
  }
})

/** `--cache-policy`: route pattern to seconds, or to a date-ranged route's freshness. */
export const cachePolicySchema = z.record(
  z.string().regex(ROUTE_PATTERN_SYNTAX),
  z.union([
    seconds(0, 2_592_000),
    z.strictObject({
      ttl: seconds(0, 2_592_000),
      settledTtl: seconds(0, 2_592_000).optional(),
      range: z.array(z.string().regex(/^[a-z_]+$/)).min(1).optional(),
    }),
  ]),
)

/** Milliseconds, fixed (`250`) or a range (`100-800`); as `{ min, max }`. */
export function msRange(min: number, max: number) {
  const ms = z.number().int().min(min).max(max)
  return z
    .union([
      z.number().transform((n) => ({ min: n, max: n })),
      z
        .string()
        .trim()
        .regex(/^\d+(-\d+)?$/)
        .transform((t) => {
          const [lo = '0', hi = lo] = t.split('-')
          return { min: Number(lo), max: Number(hi) }
        }),
    ])
    .pipe(z.object({ min: ms, max: ms }).refine((r) => r.min <= r.max, 'the range goes down'))
}

/** A list as a JSON array or separated by commas (an empty text is an empty list). */
function list<S extends z.ZodType>(item: S) {
  return z.union([
    z
      .string()
      .trim()
      .transform((text, ctx) => (text.startsWith('[') ? parseJsonText(text, ctx) : text.split(',').map((p) => p.trim()).filter((p) => p !== '')))
      .pipe(z.array(item)),
    z.array(item),
  ])
}

/** Host names or IP addresses as a Host header names them (no port, no scheme); lower case. */
export function hostNames() {
  const host = z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*)$/)
  return list(host)
}

/** Web origins (`scheme://host[:port]`, no path), as browsers send them in `Origin`. */
export function webOrigins() {
  const origin = z
    .string()
    .trim()
    .transform((text, ctx) => {
      let url: URL
      try {
        url = new URL(text)
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a URL' })
        return z.NEVER
      }
      if (!/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || text.includes('*')) {
        ctx.addIssue({ code: 'custom', message: 'not an origin' })
        return z.NEVER
      }
      return url.origin
    })
  return list(origin)
}
