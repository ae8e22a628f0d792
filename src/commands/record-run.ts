import { randomUUID } from 'node:crypto'
import cliProgress from 'cli-progress'
import type { AppIdentity } from '../apps.js'
import { ConfigError, isGatewayError } from '../errors.js'
import { Gateway } from '../gateway.js'
import { chooseRefreshToken } from '../token/manager.js'
import { fixedSteps, projectIds, queryOf, readPage, taskSteps, type WalkStep } from './record-walk.js'
import { printJson, settingsOf } from './support.js'
import { quietLogger, readStoredTokens } from './token-access.js'
import type { CliIo, CommandContext } from './types.js'

/** The walk queues behind interactive apps sharing the budget. */
const RECORD_APP: AppIdentity = Object.freeze({ name: 'record', priority: 'batch', quota: undefined })
/** Bounds every list: no organization has this many pages of one kind. */
const MAX_PAGES = 10_000

function whole(value: string | boolean | undefined, flag: string, min: number, max: number, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN
  if (!(n >= min && n <= max)) throw new ConfigError(`invalid --${flag} ${JSON.stringify(value)}: expected a whole number from ${min} to ${max}`)
  return n
}

/** A progress bar on a terminal, one plain line per request elsewhere (logs, CI, pipes). */
interface Progress {
  grow(total: number): void
  step(done: number, line: string, label: string): void
  stop(): void
}

function progress(io: CliIo, total: number): Progress {
  if (io.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      { format: 'recording {bar} {value}/{total} requests | {step}', stream: io.progressStream ?? process.stderr, hideCursor: true, etaBuffer: 20 },
      cliProgress.Presets.shades_classic,
    )
    bar.start(total, 0, { step: 'starting' })
    return {
      grow: (n) => bar.setTotal(n),
      step: (done, _line, label) => bar.update(done, { step: label }),
      stop: () => bar.stop(),
    }
  }
  let max = total
  return {
    grow: (n) => (max = n),
    step: (done, line) => io.stderr(`[${done}/${Math.max(max, done)}] ${line}\n`),
    stop: () => undefined,
  }
}

interface Tally {
  requests: number
  upstreamCalls: number
  records: Record<string, number>
  failed: { path: string; status: number }[]
  stoppedBy: string | undefined
}

class Stop extends Error {}

export async function runRecord({ cli, io }: CommandContext): Promise<number> {
  const config = settingsOf({ cli, io, version: '' })
  const org = whole(cli.options.org, 'org', 1, Number.MAX_SAFE_INTEGER, undefined)
  if (org === undefined) throw new ConfigError('record needs --org ID (the organization id; GET /v2/organizations lists yours)')
  if (cli.args.length > 0) throw new ConfigError(`record takes no arguments (got ${JSON.stringify(cli.args[0])}); usage: hubstaff-gateway record --org ID [--days N]`)
  const days = whole(cli.options.days, 'days', 1, 180, 7) ?? 7
  const pageLimit = whole(cli.options['page-limit'], 'page-limit', 1, 500, 500) ?? 500
  const yes = cli.options.yes === true || cli.options.force === true
  const json = cli.options.json === true

  const { stored } = await readStoredTokens(config)
  if (chooseRefreshToken(stored, config.refreshToken) === undefined) {
    throw new ConfigError('record needs a Hubstaff token: run hubstaff-gateway login, or set HUBSTAFF_REFRESH_TOKEN to a personal access token')
  }

  const started = Date.now()
  const gateway = await Gateway.create({ config: { ...config, mode: 'record' }, logger: quietLogger() })
  const tally: Tally = { requests: 0, upstreamCalls: 0, records: {}, failed: [], stoppedBy: undefined }
  let bar: Progress | undefined
  try {
    const { head, dated } = fixedSteps(org, days, pageLimit, started)
    const budget = await gateway.budget.status()
    let estimate = head.length + dated.length
    const say = (text: string) => (json ? io.stderr(text) : io.stdout(text))
    say(
      `record: organization ${org}, the last ${days} day${days === 1 ? '' : 's'}, into ${config.recordings}\n` +
        `estimate: at least ${estimate} requests, plus one per project (its tasks) and per further page; budget left: ${budget.remaining} of ${budget.limit}\n`,
    )
    const refuse = (needed: number, left: number) => {
      throw new Stop(
        `the walk needs ${needed} more requests and the budget has ${left} left in this window (resets in ${budget.resetsIn} s); run it later, lower --days, or pass --yes to record what the budget allows`,
      )
    }
    if (estimate > budget.remaining && !yes) refuse(estimate, budget.remaining)

    bar = progress(io, estimate)
    const walk = async (step: WalkStep, onPage: (body: Buffer) => void = () => undefined): Promise<void> => {
      let next: number | undefined
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = queryOf(step, next)
        let answer
        try {
          answer = await gateway.handle({
            id: `record-${randomUUID()}`,
            method: 'GET',
            path: step.path,
            query,
            // A cached answer would not be recorded.
            headers: { accept: 'application/json', 'cache-control': 'no-cache' },
            body: undefined,
            signal: AbortSignal.timeout((config.upstreamTimeout + 5) * 1000),
            app: RECORD_APP,
          })
        } catch (err) {
          tally.stoppedBy = isGatewayError(err) && err.code === 'HSG_BUDGET_EXHAUSTED' ? 'the budget is spent for this window' : (err as Error).message
          throw new Stop(tally.stoppedBy)
        }
        tally.requests++
        tally.upstreamCalls += answer.upstreamCalls
        if (page > 0) bar?.grow(++estimate)
        const { records, next: following } = answer.status === 200 ? readPage(answer.body, step.listKey) : { records: 0, next: undefined }
        const kind = step.listKey ?? step.label
        bar?.step(tally.requests, `GET ${step.path}${query === '' ? '' : `?${query}`} ${answer.status} (${records} ${kind})`, step.label)
        if (answer.status === 429) {
          tally.stoppedBy = 'the budget is spent for this window (429)'
          throw new Stop(tally.stoppedBy)
        }
        if (answer.status !== 200) {
          tally.failed.push({ path: `${step.path}${query === '' ? '' : `?${query}`}`, status: answer.status })
          return
        }
        tally.records[kind] = (tally.records[kind] ?? 0) + records
        onPage(answer.body)
        if (following === undefined) return
        next = following
      }
    }

    try {
      const projects: number[] = []
      for (const step of head) await walk(step, step.listKey === 'projects' ? (body) => projects.push(...projectIds(body)) : undefined)
      const allProjects = [...new Set(projects)]
      const tasks = taskSteps(allProjects, pageLimit)
      estimate = tally.requests + tasks.length + dated.length
      bar.grow(estimate)
      const left = (await gateway.budget.status()).remaining
      if (estimate - tally.requests > left && !yes) {
        bar.stop()
        bar = undefined
        refuse(estimate - tally.requests, left)
      }
      for (const step of [...tasks, ...dated]) await walk(step)
    } catch (err) {
      if (!(err instanceof Stop)) throw err
      tally.stoppedBy ??= err.message
    } finally {
      bar?.stop()
    }

    await gateway.recordings.flush()
    const recordings = (await gateway.recordings.status()) as { written: number; refused: number; failed: number }
    const after = await gateway.budget.status()
    const complete = tally.stoppedBy === undefined && tally.failed.length === 0
    const summary = {
      org,
      days,
      recordings: config.recordings,
      complete,
      stoppedBy: tally.stoppedBy ?? null,
      requests: tally.requests,
      upstreamCalls: tally.upstreamCalls,
      records: tally.records,
      written: recordings.written,
      refused: recordings.refused,
      writeFailures: recordings.failed,
      failedRequests: tally.failed,
      budget: { remaining: after.remaining, limit: after.limit },
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }
    if (json) printJson(io, summary)
    else {
      const records = Object.entries(tally.records).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'
      io.stdout(
        `\n${complete ? 'recorded' : 'stopped early:'} organization ${org} into ${config.recordings} in ${summary.seconds} s${tally.stoppedBy === undefined ? '' : ` (${tally.stoppedBy})`}\n` +
          `  requests:    ${tally.requests} (upstream calls ${tally.upstreamCalls})\n` +
          `  records:     ${records}\n` +
          `  recordings:  ${recordings.written} written, ${recordings.refused} refused (held a secret), ${recordings.failed} not written\n` +
          (tally.failed.length === 0 ? '' : `  failed:      ${tally.failed.map((f) => `${f.status} ${f.path}`).join('; ')}\n`) +
          `  budget left: ${after.remaining} of ${after.limit}\n` +
          `replay it with: hubstaff-gateway serve --mode replay --recordings ${config.recordings}\n`,
      )
    }
    return complete && recordings.refused === 0 && recordings.failed === 0 ? 0 : 1
  } finally {
    bar?.stop()
    await gateway.close()
  }
}
