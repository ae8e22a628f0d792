import { Writable } from 'node:stream'
import t from 'tap'
import { createLogger } from '../src/logger.js'
import { LazyChildLogger, lazyChildLoggerFactory, logsAt } from '../plugins/request-logger.js'

function capture(level: string) {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { logger: createLogger(level, sink), lines }
}

void t.test('a request logger writes what a pino child writes, bindings and redaction included', async (t) => {
  const { logger, lines } = capture('trace')
  const log = new LazyChildLogger(logger, { reqId: 'req-1' })
  log.info({ path: '/v2/users/me', authorization: 'Bearer secret' }, 'request')
  log.warn('plain message')
  log.error({ n: 1 }, 'error line')
  log.debug('debug line')
  log.trace('trace line')
  log.fatal('fatal line')
  await new Promise((resolve) => setImmediate(resolve))
  t.same(
    lines.map((l) => [l.level, l.msg, l.reqId]),
    [
      [30, 'request', 'req-1'],
      [40, 'plain message', 'req-1'],
      [50, 'error line', 'req-1'],
      [20, 'debug line', 'req-1'],
      [10, 'trace line', 'req-1'],
      [60, 'fatal line', 'req-1'],
    ],
  )
  t.equal(lines[0]?.authorization, '[redacted]', 'the parent redaction applies')
  t.match(log.bindings(), { reqId: 'req-1' })
  const child = log.child({ component: 'x' })
  child.info('from a child')
  await new Promise((resolve) => setImmediate(resolve))
  t.match(lines.at(-1), { reqId: 'req-1', component: 'x', msg: 'from a child' })
})

void t.test('below its level it writes nothing and makes no child', (t) => {
  const { logger, lines } = capture('warn')
  let children = 0
  const counting = Object.assign(Object.create(logger) as typeof logger, {
    child: (...args: Parameters<typeof logger.child>) => {
      children++
      return logger.child(...args)
    },
  })
  const log = new LazyChildLogger(counting, { reqId: 'req-2' })
  t.equal(log.level, 'warn')
  t.equal(log.isLevelEnabled('info'), false)
  t.equal(logsAt(log as never, 'info'), false)
  log.info('dropped')
  log.debug('dropped')
  t.equal(children, 0, 'no child was made')
  t.equal(lines.length, 0)
  log.level = 'info'
  t.equal(children, 1, 'changing its level makes the child')
  t.equal(log.level, 'info')
  t.end()
})

void t.test('the factory is lazy only when the route asks for nothing of its own', (t) => {
  const { logger } = capture('info')
  t.type(lazyChildLoggerFactory(logger, { reqId: 'a' }, {}), LazyChildLogger)
  t.notOk(lazyChildLoggerFactory(logger, { reqId: 'b' }, { level: 'debug' }) instanceof LazyChildLogger)
  t.end()
})
