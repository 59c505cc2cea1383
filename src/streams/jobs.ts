// A bounded set of filesystem jobs in flight, keyed by path: lets many small files be created at once on
// the thread pool while the tar is still being read, and fails fast on the first error.

export class Jobs {
  #running = new Map<string, Promise<void>>();
  #limit: number;
  #failure: { error: unknown } | undefined;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Start `job` for `key` once there is room; `describe` turns its failure into the error to report. */
  async add(key: string, job: () => Promise<void>, describe: (e: unknown) => unknown): Promise<void> {
    while (this.#running.size >= this.#limit) await Promise.race(this.#running.values());
    this.#check();
    const p: Promise<void> = job()
      .catch((e: unknown) => {
        this.#failure ??= { error: describe(e) };
      })
      .then(() => {
        if (this.#running.get(key) === p) this.#running.delete(key);
      });
    this.#running.set(key, p);
  }

  /** Wait until the job for `key`, if any, has finished. */
  async waitFor(key: string): Promise<void> {
    const p = this.#running.get(key);
    if (p) await p;
    this.#check();
  }

  /** Wait for every job; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.#check();
  }

  /** Wait for every job, ignoring failures (before cleaning up after an error). */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  #check(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
