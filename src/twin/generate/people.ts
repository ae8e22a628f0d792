import { between, type Builder } from './context.js'
import { emailOf, FIRST_NAMES, LAST_NAMES, ZONES, type ZoneInfo } from './names.js'
import type { Person, TrackingClient } from './plan.js'
import type { Random } from './random.js'
import { DAY_MS, HOUR_MS, MINUTE_MS, zoneOffsetMinutes } from './time.js'

/**
 * Users: unique people with a name, an address at their organization's domain, a time zone (most
 * where the company is, the rest spread so that someone is working at nearly any hour) and the
 * habits their tracked time is drawn from.
 */
export class People {
  readonly #b: Builder
  readonly #rng: Random
  readonly #names = new Set<string>()
  readonly #emails = new Set<string>()
  readonly all: Person[] = []

  constructor(b: Builder) {
    this.#b = b
    this.#rng = b.rng.fork('people')
  }

  /** A new user joining around `joinedMs`, living in `home` unless the dice say otherwise. */
  make(domain: string, home: ZoneInfo, joinedMs: number, options: { weekender?: boolean; field?: boolean; everyDay?: boolean } = {}): Person {
    const rng = this.#rng
    let first = ''
    let last = ''
    for (let tries = 0; ; tries++) {
      first = rng.pick(FIRST_NAMES)
      last = rng.pick(LAST_NAMES)
      if (!this.#names.has(`${first} ${last}`) || tries > 50) break
    }
    this.#names.add(`${first} ${last}`)
    let email = emailOf(first, last, domain)
    for (let n = 2; this.#emails.has(email); n++) email = emailOf(first, `${last}${n}`, domain)
    this.#emails.add(email)
    const drawnZone = rng.chance(0.6) ? home : rng.pick(ZONES)
    const zone = options.everyDay === true ? afternoonZone(this.#b.now) : drawnZone
    const drawn = rng.weighted<TrackingClient>([
      ['windows', 5],
      ['mac', 4],
      ['linux', 1],
      ['android', 0.6],
      ['ios', 0.4],
    ])
    // Someone in the field tracks on a phone: job sites and GPS locations come from them.
    const client = options.field === true ? 'android' : drawn
    // The account exists a little before it joins anything.
    const created = Math.min(joinedMs, this.#b.now - DAY_MS) - rng.int(1, 90) * 60_000
    const user = this.#b.add('User', {
      name: `${first} ${last}`,
      first_name: first,
      last_name: last,
      email,
      time_zone: zone.zone,
      ip_address: `${zone.ip}${rng.int(1, 254)}.${rng.int(1, 254)}.${rng.int(1, 254)}`,
      status: 'active',
      ...this.#b.stamps(created, rng, 0.5),
    })
    const person: Person = {
      user,
      id: user.id,
      first,
      last,
      zone,
      startMinute: Math.round(rng.around(9 * 60, 120, 7 * 60, 11 * 60) / 5) * 5,
      dayHours: rng.around(7.2, 2, 5, 8.75),
      activity: rng.around(0.62, 0.4, 0.3, 0.9),
      client,
      weekendChance: options.weekender === true ? 0.55 : 0.04,
      ...(options.everyDay === true ? { everyDay: true } : {}),
      joinedMs: created + 90 * 60_000,
      screens: client === 'android' || client === 'ios' ? 0 : rng.chance(0.3) ? 2 : 1,
    }
    this.all.push(person)
    return person
  }

  /** An instant for someone joining an organization made at `orgCreated`, mostly early on. */
  joinTime(orgCreated: number): number {
    const span = this.#b.now - 20 * DAY_MS - orgCreated
    return orgCreated + Math.floor(span * this.#rng.next() ** 2) + between(this.#rng, 0, DAY_MS)
  }
}

/** The zone where it is closest to 3 pm at `now` (people there have worked most of today). */
function afternoonZone(now: number): ZoneInfo {
  let best = ZONES[0] as ZoneInfo
  let gap = Infinity
  for (const z of ZONES) {
    const hour = (((now + zoneOffsetMinutes(z.zone, now) * MINUTE_MS) % (24 * HOUR_MS)) + 24 * HOUR_MS) % (24 * HOUR_MS) / HOUR_MS
    const d = Math.abs(hour - 15)
    if (d < gap) {
      gap = d
      best = z
    }
  }
  return best
}
