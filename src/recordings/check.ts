import { readFile, stat } from 'node:fs/promises'
import { describeFindings, scanText, type SecretFinding } from './scan.js'
import { CorruptRecording, listHarFiles, listTempFiles, parseHar } from './store.js'

export interface CheckProblem {
  readonly file: string
  /** `temp`: a temp file an interrupted write left (the gateway removes them when it starts). */
  readonly kind: 'secret' | 'corrupt' | 'too-large' | 'temp'
  /** What is wrong, in words that never quote a secret. */
  readonly detail: string
  readonly findings?: readonly SecretFinding[]
}

export interface CheckReport {
  readonly dir: string
  readonly files: number
  readonly entries: number
  readonly problems: readonly CheckProblem[]
  readonly ok: boolean
}

/**
 * `recordings check`: every HAR file of `dir` must parse, be small enough for replay to read, and
 * hold no secret: none of the `known` values (the tokens this machine knows), and nothing shaped
 * like a credential. A temp file of an interrupted write is a problem too: it is not a recording,
 * and it may be large.
 */
export async function checkRecordings(dir: string, known: Iterable<string> = [], options: { maxBytes?: number } = {}): Promise<CheckReport> {
  const secrets = [...known]
  const maxBytes = options.maxBytes ?? Infinity
  const problems: CheckProblem[] = []
  let entries = 0
  for (const file of await listTempFiles(dir)) {
    const size = await stat(file).then(
      (s) => `${s.size} bytes`,
      () => 'gone',
    )
    problems.push({ file, kind: 'temp', detail: `is a temp file an interrupted write left (${size}), not a recording; delete it (the gateway removes such files when it starts)` })
  }
  const files = await listHarFiles(dir)
  for (const file of files) {
    let text: string
    try {
      const { size } = await stat(file)
      if (size > maxBytes) {
        problems.push({ file, kind: 'too-large', detail: `is ${size} bytes, more than replay reads (--replay-max-bytes ${maxBytes})` })
        continue
      }
      text = await readFile(file, 'utf8')
    } catch (err) {
      problems.push({ file, kind: 'corrupt', detail: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` })
      continue
    }
    // A secret is a secret even in a file that does not parse.
    const findings = scanText(text, secrets)
    if (findings.length > 0) problems.push({ file, kind: 'secret', detail: `holds ${describeFindings(findings)}`, findings })
    try {
      entries += parseHar(file, text).length
    } catch (err) {
      problems.push({ file, kind: 'corrupt', detail: err instanceof CorruptRecording ? err.reason : (err as Error).message })
    }
  }
  return { dir, files: files.length, entries, problems, ok: problems.length === 0 }
}
