// The README reads in five minutes and points into docs/: every relative link of README.md and
// docs/*.md names a file that exists and, after `#`, a heading of that file (as GitHub makes its
// anchors); the README stays under 3,000 words.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import t from 'tap'

const ROOT = join(import.meta.dirname, '..')
const FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

/** Text outside fenced code blocks. */
function prose(text: string): string {
  let fence = false
  return text
    .split('\n')
    .filter((line) => {
      if (line.startsWith('```')) {
        fence = !fence
        return false
      }
      return !fence
    })
    .join('\n')
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const [, heading = ''] of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_ -]/gu, '')
      .replace(/ /g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

void t.test('every relative link of README.md and docs/*.md resolves', (t) => {
  let links = 0
  for (const file of FILES) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const [, target = ''] of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue
      links++
      const [path = '', anchor] = target.split('#')
      const to = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), path)
      t.ok(existsSync(to), `${file}: ${target} names ${relative(ROOT, to)}, which exists`)
      if (anchor !== undefined && existsSync(to) && to.endsWith('.md')) {
        t.ok(anchors(readFileSync(to, 'utf8')).has(anchor), `${file}: ${target} names a heading of ${relative(ROOT, to)}`)
      }
    }
  }
  t.ok(links > 20, `${links} relative links checked`)
  t.end()
})

void t.test('the README stays short', (t) => {
  const words = readFileSync(join(ROOT, 'README.md'), 'utf8').split(/\s+/).filter((w) => w !== '').length
  t.ok(words < 3000, `README.md has ${words} words (under 3,000)`)
  t.end()
})
