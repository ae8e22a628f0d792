import { readFile } from 'node:fs/promises'
import { describeFindings, scanText, type SecretFinding } from './scan.js'
import { CorruptRecording, listHarFiles, parseHar } from './store.js'

export interface CheckProblem {
  readonly file: string
  readonly kind: 'secret' | 'corrupt'
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
 * `recordings check`: every HAR file of `dir` must parse and hold no secret: none of the `known`
 * values (the tokens this machine knows), and nothing shaped like a credential.
 */
export async function checkRecordings(dir: string, known: Iterable<string> = []): Promise<CheckReport> {
  const secrets = [...known]
  const problems: CheckProblem[] = []
  let entries = 0
  const files = await listHarFiles(dir)
  for (const file of files) {
    let text: string
    try {
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
