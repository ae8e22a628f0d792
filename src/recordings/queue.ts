/**
 * Work queued per recording file: each task starts once the previous one on the same file has
 * finished (failed or not), so that two exchanges recorded at once never interleave their writes.
 */
export class FileQueues {
  /** The last task of each file, settled; dropped once nothing follows it. */
  readonly #tails = new Map<string, Promise<void>>()

  run<T>(name: string, task: () => Promise<T>): Promise<T> {
    const next = (this.#tails.get(name) ?? Promise.resolve()).then(task)
    const settled = next.then(
      () => undefined,
      () => undefined,
    )
    this.#tails.set(name, settled)
    void settled.then(() => {
      if (this.#tails.get(name) === settled) this.#tails.delete(name)
    })
    return next
  }

  /** Resolves once every task queued so far has finished. */
  async idle(): Promise<void> {
    await Promise.all(this.#tails.values())
  }
}
