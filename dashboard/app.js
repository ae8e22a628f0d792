// The dashboard: polls the admin surface and draws it. Plain script, no build step, no CDN.
'use strict'
;(() => {
  const POLL_MS = 1500
  const JOURNAL_ROWS = 60
  const PLOT_HEIGHT = 250
  const PALETTE = ['#3f8f82', '#5f77b8', '#a88349', '#8a69b0', '#5e8f4c', '#b06a7c', '#4b8fa8', '#909048']
  const LIMIT_COLOR = '#e5736b'
  const AXIS = { stroke: '#8a94a0', grid: { stroke: '#222a33', width: 1 }, ticks: { stroke: '#2a323c', width: 1 }, font: '13px system-ui, sans-serif' }

  const $ = (id) => document.getElementById(id)
  let plot
  let plotApps = ''
  let seenIds = new Set()
  let firstJournal = true
  let failingSince
  let skewMs = 0
  let banner

  const serverNow = () => Date.now() + skewMs

  async function getJson(path, init) {
    const res = await fetch(path, { cache: 'no-store', headers: { accept: 'application/json' }, ...init })
    const body = await res.json().catch(() => ({}))
    if (!res.ok) {
      const err = new Error(body.detail || `${path} answered ${res.status}`)
      err.status = res.status
      throw err
    }
    return body
  }

  const num = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '–')
  const plural = (n, one, many) => `${num(n)} ${n === 1 ? one : many}`

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds))
    if (s < 60) return `${s} s`
    const m = Math.floor(s / 60)
    if (m < 60) return `${m} min`
    const h = Math.floor(m / 60)
    return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`
  }

  function ago(iso) {
    if (!iso) return 'never'
    return `${duration((serverNow() - Date.parse(iso)) / 1000)} ago`
  }

  function bytes(n) {
    if (n < 1024) return `${n} B`
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
    return `${(n / 1024 / 1024).toFixed(1)} MB`
  }

  function hhmm(ms) {
    return new Date(ms).toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit' })
  }

  function clock(ms) {
    return new Date(ms).toLocaleTimeString('en-GB', { hour12: false })
  }

  function setText(id, text) {
    const el = $(id)
    if (el.textContent !== text) el.textContent = text
  }

  function setBadge(el, text, tone) {
    el.textContent = text
    el.className = `badge ${tone}`
  }

  function showBanner(text, tone, forMs) {
    const el = $('banner')
    el.textContent = text
    el.className = `banner ${tone}`
    el.hidden = false
    clearTimeout(banner)
    if (forMs) banner = setTimeout(() => (el.hidden = true), forMs)
  }

  function renderStatus(s) {
    const b = s.budget
    setText('budget-used', num(b.used))
    setText('budget-limit', num(b.limit))
    setText('budget-window', `· rolling ${duration(b.window)}`)
    setText('budget-remaining', num(b.remaining))
    setText('budget-resets', b.used === 0 ? '–' : duration(b.resetsIn))
    const paused = $('budget-paused')
    paused.hidden = !b.pausedUntil
    if (b.pausedUntil) setText('budget-paused', `Hubstaff answered 429: upstream traffic paused until ${clock(Date.parse(b.pausedUntil))}`)
    const share = b.limit > 0 ? b.used / b.limit : 0
    const meter = $('budget-meter')
    meter.style.width = `${Math.min(100, share * 100).toFixed(1)}%`
    meter.className = b.pausedUntil || share >= 0.95 ? 'bad' : share >= 0.8 ? 'warn' : ''
    setText('budget-queued', num(b.queued))
    setText('budget-refused', num(b.refused))
    setText('budget-429s', num(b.upstream429s))
    setText('inflight', num(s.inflight))

    const c = s.cache
    setText('cache-ratio', c.enabled ? `${(c.hitRatio * 100).toFixed(c.hitRatio >= 0.995 || c.hitRatio === 0 ? 0 : 1)} %` : 'off')
    setText('cache-hits', num(c.hits))
    setText('cache-misses', num(c.misses))
    setText('cache-size', c.enabled ? `${num(c.entries)} answers, ${bytes(c.bytes)}` : 'cache off')

    const t = s.token
    const tone = { ok: 'ok', degraded: 'warn', rejected: 'bad', empty: 'bad' }[t.state] || ''
    setBadge($('token-state'), t.state, tone)
    if (t.expiresAt) {
      const left = (Date.parse(t.expiresAt) - serverNow()) / 1000
      setText('token-label', left > 0 ? 'Access token expires in' : 'Access token')
      setText('token-expiry', left > 0 ? duration(left) : 'expired')
    } else {
      setText('token-label', 'Access token')
      setText('token-expiry', t.state === 'empty' ? 'none' : 'not fetched yet')
    }
    setText('token-refreshed', ago(t.refreshedAt))
    setText('token-refreshes', plural(t.refreshes, 'refresh', 'refreshes'))
    setText('token-failures', plural(t.failures, 'failure', 'failures'))
    const reason = $('token-reason')
    reason.hidden = !t.reason
    if (t.reason) {
      setText('token-reason', t.reason.detail)
      reason.title = t.reason.detail
    }

    for (const button of document.querySelectorAll('#mode button')) {
      button.setAttribute('aria-checked', String(button.dataset.mode === s.mode))
    }
    setText('upstream', s.mode === 'mock' ? 'answers from the mock spec' : s.upstream || '')
    document.title = `${b.used}/${b.limit} · hubstaff-gateway`
  }

  function renderHealth(h) {
    setBadge($('health'), h.status === 'ok' ? `${h.mode} · healthy` : `${h.mode} · ${h.code || 'unhealthy'}`, h.status === 'ok' ? 'ok' : 'bad')
  }

  /** Cumulative use since the start of the window shown, stacked per app, against the limit. */
  function renderHistory(h) {
    skewMs = h.now - Date.now()
    const apps = Object.keys(h.apps)
    const names = apps.length > 0 ? apps : ['requests']
    const xs = h.minutes.map((start) => Math.min(start + 60_000, h.now) / 1000)
    xs.unshift(h.from / 1000)
    const stacks = []
    let below = new Array(xs.length).fill(0)
    names.forEach((name) => {
      const counts = h.apps[name] || new Array(h.minutes.length).fill(0)
      let sum = 0
      const cumulative = [0, ...counts.map((c) => (sum += c))]
      below = below.map((v, i) => v + cumulative[i])
      stacks.push(below)
    })
    const top = stacks[stacks.length - 1] || []
    const highest = Math.max(h.limit, ...top)
    // Drawn from the top of the stack down: each band's opaque fill covers the one above's lower part.
    const data = [xs, ...stacks.slice().reverse(), xs.map(() => h.limit)]
    const key = `${names.join('|')}#${h.limit}`
    const colour = (i) => PALETTE[i % PALETTE.length]
    if (plot === undefined || plotApps !== key) {
      plot?.destroy()
      plotApps = key
      const series = [
        {},
        ...names
          .map((name, i) => ({ label: name, stroke: colour(i), fill: colour(i), width: 1.5, points: { show: false } }))
          .reverse(),
        { label: 'limit', stroke: LIMIT_COLOR, width: 2, dash: [8, 6], points: { show: false } },
      ]
      const el = $('plot')
      plot = new uPlot(
        {
          width: el.clientWidth,
          height: PLOT_HEIGHT,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.08] } },
          axes: [{ ...AXIS, values: (_u, ticks) => ticks.map((s) => hhmm(s * 1000)) }, { ...AXIS, size: 60 }],
          series,
        },
        data,
        el,
      )
      $('legend').replaceChildren(
        ...names.map((name, i) => legendItem(name === 'requests' && apps.length === 0 ? 'requests' : name, colour(i))),
        legendItem(`limit ${num(h.limit)}`, null),
      )
    } else {
      plot.setData(data)
    }
    plot.setScale('y', { min: 0, max: highest * 1.08 })
  }

  function legendItem(text, colour) {
    const span = document.createElement('span')
    const swatch = document.createElement('i')
    if (colour) swatch.style.background = colour
    else swatch.className = 'limit'
    span.append(swatch, text)
    return span
  }

  function cell(text, className) {
    const td = document.createElement('td')
    td.textContent = text
    if (className) td.className = className
    return td
  }

  function renderJournal(j) {
    const rows = j.requests.slice(0, JOURNAL_ROWS)
    const tbody = document.querySelector('#journal tbody')
    const nextSeen = new Set()
    const trs = rows.map((r) => {
      const tr = document.createElement('tr')
      nextSeen.add(r.id + r.time)
      if (!firstJournal && !seenIds.has(r.id + r.time)) tr.className = 'fresh'
      const statusClass = r.status === 499 ? 's499' : `s${Math.floor(r.status / 100)}`
      const path = cell(r.path, 'path')
      path.title = r.path
      tr.append(
        cell(clock(Date.parse(r.time))),
        cell(r.app),
        cell(r.method),
        path,
        cell(String(r.status), statusClass),
        cell(r.source),
        cell(r.cacheStatus.replace(/^hubstaff-gateway;\s*/, '') || '–'),
        cell(String(r.upstreamCalls), 'num'),
        cell(r.queueWaitMs > 0 ? `${(r.queueWaitMs / 1000).toFixed(1)} s` : '–', 'num'),
        cell(r.durationMs.toFixed(r.durationMs < 10 ? 1 : 0), 'num'),
      )
      return tr
    })
    tbody.replaceChildren(...trs)
    seenIds = nextSeen
    firstJournal = false
    $('journal-empty').hidden = rows.length > 0
    setText('journal-count', j.recorded > 0 ? `last ${num(rows.length)} of ${num(j.recorded)} since start` : '')
  }

  async function tick() {
    try {
      const [status, health, history, journal] = await Promise.all([
        getJson('/_gateway/status'),
        fetch('/_gateway/health', { cache: 'no-store' }).then((r) => r.json()),
        getJson('/_gateway/budget/history'),
        getJson(`/_gateway/requests?limit=${JOURNAL_ROWS}`),
      ])
      renderHistory(history)
      renderStatus(status)
      renderHealth(health)
      renderJournal(journal)
      if (failingSince !== undefined) $('banner').hidden = true
      failingSince = undefined
      setText('updated', clock(Date.now()))
    } catch (err) {
      if (err.status === 401) {
        showBanner('The gateway refused the admin key: reload the page to enter it again.', 'bad')
      } else {
        failingSince ??= Date.now()
        showBanner(`The gateway is not answering since ${clock(failingSince)} (${err.message}). Retrying every ${POLL_MS / 1000} s.`, 'bad')
      }
    } finally {
      setTimeout(tick, POLL_MS)
    }
  }

  for (const button of document.querySelectorAll('#mode button')) {
    button.addEventListener('click', async () => {
      const buttons = document.querySelectorAll('#mode button')
      buttons.forEach((b) => (b.disabled = true))
      try {
        const answer = await getJson('/_gateway/mode', {
          method: 'PUT',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ mode: button.dataset.mode }),
        })
        showBanner(`Mode switched from ${answer.previous} to ${answer.mode}.`, 'info', 4000)
      } catch (err) {
        showBanner(`Mode not switched: ${err.message}`, 'bad', 8000)
      } finally {
        buttons.forEach((b) => (b.disabled = false))
      }
      const status = await getJson('/_gateway/status').catch(() => undefined)
      if (status) renderStatus(status)
    })
  }

  window.addEventListener('resize', () => plot?.setSize({ width: $('plot').clientWidth, height: PLOT_HEIGHT }))
  void tick()
})()
