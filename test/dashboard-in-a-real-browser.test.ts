// The dashboard in Debian's chromium, driven by playwright-core, against a live gateway in team
// mode in front of the fake Hubstaff. Saves a screenshot to test-artifacts/ (and to
// docs/dashboard.png, the one docs/operating.md shows, when that is missing or HSG_UPDATE_SCREENSHOT=1), and one per
// window width (360, 600 and 1440 px), where nothing may overflow sideways.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { chromium, type Page } from 'playwright-core'
import { hashKey } from '../src/apps.js'
import { ROOT, sharedClock, startLiveGateway } from './helpers/gateway.js'

/** The page's globals as the functions run in the browser use them (the project's lib has no DOM). */
interface PageElement {
  readonly textContent: string | null
  readonly hidden: boolean
  readonly tagName: string
  readonly width: number
  readonly height: number
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null
}
declare const document: {
  getElementById(id: string): PageElement | null
  querySelector(selector: string): PageElement | null
  querySelectorAll(selector: string): { readonly length: number }
  readonly documentElement: { readonly scrollWidth: number }
}
declare const window: { readonly innerWidth: number }

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A fresh headless Chromium with its own profile, closed and removed at the end of `t`; its first page. */
async function openPage(t: { teardown(fn: () => unknown): void }, options: { colorScheme?: 'dark'; httpCredentials?: { username: string; password: string } } = {}): Promise<Page> {
  const profile = mkdtempSync(join(tmpdir(), 'hsg-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1280, height: 800 },
    ...options,
  })
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  })
  return context.pages()[0] ?? (await context.newPage())
}

const KEYS = { 'timesheet-sync': 'key-timesheet-sync-0001', 'payroll-export': 'key-payroll-export-0002', 'slack-bot': 'key-slack-bot-0003' }
type AppName = keyof typeof KEYS

if (!existsSync(CHROMIUM)) {
  t.plan(0, `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it): the dashboard is not tried in a browser`)
} else {
  void t.test('the dashboard shows the hour, follows the traffic and switches the mode', async (t) => {
    const clock = sharedClock()
    // Start a minute afresh, 40 minutes back from now, so the plot shows the hour filling up.
    clock.advance(60_000 - (clock.now() % 60_000) + 1000)
    const apps = [
      // Admin: in team mode the dashboard needs an admin key; the browser sends this app's as Basic.
      { name: 'timesheet-sync', keySha256: hashKey(KEYS['timesheet-sync']), priority: 'interactive', admin: true },
      { name: 'payroll-export', keySha256: hashKey(KEYS['payroll-export']), priority: 'batch', quota: 0.5 },
      { name: 'slack-bot', keySha256: hashKey(KEYS['slack-bot']), quota: 0.2 },
    ]
    const { gw } = await startLiveGateway(t, { budget: 200, apps: JSON.stringify(apps) }, { now: clock.now }, { now: clock.now })
    let n = 0
    const call = async (app: AppName, path: string) => {
      const res = await request(`${gw.address}${path}`, { headers: { 'x-gateway-key': KEYS[app] } })
      await res.body.dump()
      n++
      return res.statusCode
    }
    const status = async () => (await (await request(`${gw.address}/_gateway/status`, { headers: { 'x-gateway-key': KEYS['timesheet-sync'] } })).body.json()) as { mode: string; budget: { used: number } }

    // Forty minutes of a team's traffic, a burst every few minutes, plus repeats the cache answers.
    const bursts: [AppName, number][][] = [
      [['timesheet-sync', 6], ['slack-bot', 2]],
      [['payroll-export', 14]],
      [['timesheet-sync', 4], ['slack-bot', 3]],
      [['timesheet-sync', 3]],
      [['payroll-export', 18], ['slack-bot', 1]],
      [['timesheet-sync', 8], ['slack-bot', 2]],
      [['timesheet-sync', 5], ['payroll-export', 6]],
    ]
    for (const burst of bursts) {
      for (const [app, count] of burst) {
        for (let i = 0; i < count; i++) t.equal(await call(app, `/v2/projects/${20001 + ((n * 7) % 240)}/tasks?page_limit=${1 + (n % 5)}`), 200)
      }
      // What every app asks again and again: answered from the cache.
      for (const path of ['/v2/users/me', '/v2/organizations/1001', '/v2/organizations/1001/members', '/v2/users/me']) {
        for (const app of Object.keys(KEYS) as AppName[]) t.equal(await call(app, path), 200)
      }
      clock.advance(6 * 60_000)
    }

    const page = await openPage(t, { colorScheme: 'dark', httpCredentials: { username: 'timesheet-sync', password: KEYS['timesheet-sync'] } })
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => {
      // Failed loads are checked below, by their answers.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`)
    })
    page.on('response', (res) => {
      if (res.status() >= 400 && !res.url().endsWith('/_gateway/mode')) problems.push(`${res.status()} for ${res.url()}`)
    })
    const text = (selector: string) => page.locator(selector).innerText()

    await page.goto(`${gw.address}/_gateway/`)
    const used = (await status()).budget.used
    t.ok(used > 50, `the hour holds ${used} upstream requests`)
    await page.waitForFunction((expected) => document.getElementById('budget-used')?.textContent === String(expected), used, { timeout: 20_000 })
    t.equal(await text('#budget-limit'), '200')
    t.match(await text('#cache-ratio'), /^\d+(\.\d)? %$/, 'the cache hit ratio is shown')
    t.match(await text('#token-expiry'), /^\d+ min$/, 'the token expiry is shown')
    t.match(await text('#token-refreshed'), /ago$/)
    t.notMatch(await page.content(), /eyJ|refresh_token|access_token/, 'no token on the page')

    // The plot: a canvas of the full width, one legend entry per app and the limit line.
    const canvas = await page.locator('#plot canvas').first().boundingBox()
    t.ok(canvas !== null && canvas.width > 900 && canvas.height > 200, `the plot is drawn (${canvas?.width}×${canvas?.height})`)
    const legend = await text('#legend')
    for (const app of Object.keys(KEYS)) t.match(legend, app, `the legend names ${app}`)
    t.match(legend, /limit 200/)
    t.ok(await plotHasInk(page), 'the stacked areas are painted')

    // The journal lists the requests, newest first.
    await page.waitForFunction(() => document.querySelectorAll('#journal tbody tr').length > 10, null, { timeout: 20_000 })
    t.match(await text('#journal tbody tr:first-child'), /slack-bot\s+GET\s+\/v2\/users\/me\s+200\s+cache/)

    // New traffic shows up by itself.
    for (let i = 0; i < 5; i++) t.equal(await call('slack-bot', `/v2/organizations/1001/projects?page_limit=${i + 1}`), 200)
    const after = (await status()).budget.used
    t.equal(after, used + 5)
    await page.waitForFunction((expected) => document.getElementById('budget-used')?.textContent === String(expected), after, { timeout: 20_000 })
    await page.waitForFunction(() => /page_limit=5/.test(document.querySelector('#journal tbody tr')?.textContent ?? ''), null, { timeout: 20_000 })
    t.pass('the numbers and the journal follow the traffic')

    // The mode switch.
    await page.click('#mode button[data-mode="mock"]')
    await waitFor(async () => (await status()).mode === 'mock', 'the gateway to switch to mock')
    await page.waitForSelector('#mode button[data-mode="mock"][aria-checked="true"]', { timeout: 20_000 })
    t.equal(await page.getAttribute('#mode button[data-mode="live"]', 'aria-checked'), 'false')
    // A switch the gateway refuses is said on the page, and the control keeps showing the mode in force.
    await page.route('**/_gateway/mode', (route) =>
      route.fulfill({ status: 501, contentType: 'application/problem+json', body: JSON.stringify({ code: 'HSG_MODE_UNAVAILABLE', detail: 'The replay mode is not available.' }) }),
    )
    await page.click('#mode button[data-mode="replay"]')
    await page.waitForFunction(() => /Mode not switched: The replay mode is not available/.test(document.getElementById('banner')?.textContent ?? ''), null, { timeout: 20_000 })
    await page.unroute('**/_gateway/mode')
    t.equal((await status()).mode, 'mock')
    t.equal(await page.getAttribute('#mode button[data-mode="mock"]', 'aria-checked'), 'true', 'the control still shows mock')
    await page.click('#mode button[data-mode="live"]')
    await waitFor(async () => (await status()).mode === 'live', 'the gateway to switch back to live')
    await page.waitForSelector('#mode button[data-mode="live"][aria-checked="true"]', { timeout: 20_000 })

    // A few more lines for the journal: a cache hit, and an app that forgot its key.
    t.equal(await call('payroll-export', '/v2/organizations/1001/members'), 200)
    const keyless = await request(`${gw.address}/v2/users/me`)
    await keyless.body.dump()
    t.equal(keyless.statusCode, 401)
    await page.waitForFunction(() => /401/.test(document.querySelector('#journal tbody tr')?.textContent ?? ''), null, { timeout: 20_000 })
    t.match(await text('#journal tbody tr:first-child'), /-\s+GET\s+\/v2\/users\/me\s+401\s+gateway/, 'a request no app key matched is journaled under "-"')
    await page.waitForFunction(() => document.getElementById('banner')?.hidden === true, null, { timeout: 20_000 })
    const artifacts = join(ROOT, 'test-artifacts')
    mkdirSync(artifacts, { recursive: true })
    const shot = await page.screenshot({ path: join(artifacts, 'dashboard.png') })
    t.ok(shot.length > 20_000, 'a screenshot was saved to test-artifacts/dashboard.png')
    const docs = join(ROOT, 'docs', 'dashboard.png')
    if (!existsSync(docs) || process.env.HSG_UPDATE_SCREENSHOT === '1') await page.screenshot({ path: docs })
    t.same(problems, [], 'no script errors and no failed loads on the page')
  })
}

if (existsSync(CHROMIUM)) {
  void t.test('with an admin key, the browser asks for it once and the page works with it', async (t) => {
    const key = 'admin-key-for-the-browser-0001'
    const { gw } = await startLiveGateway(t, { adminKeySha256: hashKey(key) })
    const res = await request(`${gw.address}/v2/users/me`)
    await res.body.dump()
    // What a person types into the browser's login prompt: any user name, the key as the password.
    const page = await openPage(t, { httpCredentials: { username: 'ops', password: key } })
    const refused: string[] = []
    page.on('response', (r) => {
      if (r.status() >= 400 && r.status() !== 401) refused.push(`${r.status()} ${r.url()}`)
    })
    const answer = await page.goto(`${gw.address}/_gateway/`)
    t.equal(answer?.status(), 200, 'the page loads with the key')
    await page.waitForFunction(() => document.getElementById('budget-used')?.textContent === '1', null, { timeout: 20_000 })
    await page.waitForFunction(() => /\/v2\/users\/me/.test(document.querySelector('#journal tbody tr')?.textContent ?? ''), null, { timeout: 20_000 })
    t.pass('the page\'s own requests carry the key')
    await page.click('#mode button[data-mode="mock"]')
    await waitFor(() => Promise.resolve(gw.gateway.mode.current === 'mock'), 'the switch to mock')
    t.same(refused, [])
  })
}

if (existsSync(CHROMIUM)) {
  void t.test('from a 360 px phone to a wide screen nothing overflows sideways', async (t) => {
    const { gw } = await startLiveGateway(t)
    // Long paths in the journal: the widest content the page has.
    for (const path of ['/v2/users/me', '/v2/organizations/1001/members?page_limit=100&include_removed=true&user_ids=5001,5002,5003', '/v2/organizations/1001/projects?page_limit=3']) {
      await (await request(`${gw.address}${path}`)).body.dump()
    }
    const artifacts = join(ROOT, 'test-artifacts')
    mkdirSync(artifacts, { recursive: true })
    const page = await openPage(t, { colorScheme: 'dark' })
    for (const width of [360, 600, 1440]) {
      await page.setViewportSize({ width, height: 800 })
      await page.goto(`${gw.address}/_gateway/`)
      await page.waitForFunction(() => document.getElementById('budget-used')?.textContent === '3', null, { timeout: 20_000 })
      await page.waitForFunction(() => document.querySelectorAll('#journal tbody tr').length >= 3, null, { timeout: 20_000 })
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
      t.ok(scrollWidth <= innerWidth, `${width} px: the page is no wider than the window (${scrollWidth} <= ${innerWidth})`)
      // Every control and every card is on screen, whole: nothing cut off at the right edge.
      for (const selector of ['#mode button[data-mode="live"]', '#mode button[data-mode="mock"]', '#card-budget', '#card-cache', '#card-token', '#card-queue', '#plot canvas', '#health']) {
        const box = await page.locator(selector).first().boundingBox()
        t.ok(box !== null && box.x >= 0 && box.x + box.width <= innerWidth + 0.5 && box.width > 0, `${width} px: ${selector} is visible within the width (${box?.x}+${box?.width})`)
      }
      const shot = await page.screenshot({ path: join(artifacts, `dashboard-${width}px.png`), fullPage: true })
      t.ok(shot.length > 10_000, `${width} px: screenshot test-artifacts/dashboard-${width}px.png`)
    }
    // The mode switch works at phone width too.
    await page.setViewportSize({ width: 360, height: 800 })
    await page.click('#mode button[data-mode="mock"]')
    await waitFor(() => Promise.resolve(gw.gateway.mode.current === 'mock'), 'the switch to mock at 360 px')
  })
}

/** Polls a condition (bounded: 20 s). */
async function waitFor(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** True when the plot's canvas has coloured pixels (the areas), not only the dark background and grid. */
async function plotHasInk(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const canvas = document.querySelector('#plot canvas')
    if (canvas === null || canvas.tagName !== 'CANVAS') return false
    const ctx = canvas.getContext('2d')
    if (ctx === null) return false
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
    let coloured = 0
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!]
      if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++
    }
    return coloured > 2000
  })
}
