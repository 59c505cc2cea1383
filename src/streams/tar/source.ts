// Pull bytes from an async iterable of chunks: exact-size reads (headers) and zero-copy partial reads (bodies).

const EMPTY = Buffer.alloc(0);

export class ByteSource {
  #it: AsyncIterator<Uint8Array>;
  #onChunk: ((chunk: Buffer) => void) | undefined;
  #buf: Buffer = EMPTY;
  #pos = 0;
  #done = false;
  /** Bytes handed out (or skipped) so far: the archive offset of the next byte. */
  offset = 0;

  constructor(input: AsyncIterable<Uint8Array>, onChunk?: (chunk: Buffer) => void) {
    this.#it = input[Symbol.asyncIterator]();
    this.#onChunk = onChunk;
  }

  async #pull(): Promise<boolean> {
    while (!this.#done) {
      const r = await this.#it.next();
      if (r.done) {
        this.#done = true;
        break;
      }
      const v = r.value;
      const chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      if (chunk.length === 0) continue;
      this.#onChunk?.(chunk);
      this.#buf = chunk;
      this.#pos = 0;
      return true;
    }
    return false;
  }

  /**
   * Exactly `n` bytes, or null at a clean end of input (nothing read). A partial read returns a shorter
   * buffer, which the caller reports as truncation.
   */
  async exact(n: number): Promise<Buffer | null> {
    const avail = this.#buf.length - this.#pos;
    if (avail >= n) {
      const out = this.#buf.subarray(this.#pos, this.#pos + n);
      this.#pos += n;
      this.offset += n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let have = 0;
    while (have < n) {
      if (this.#pos >= this.#buf.length && !(await this.#pull())) break;
      const take = Math.min(n - have, this.#buf.length - this.#pos);
      this.#buf.copy(out, have, this.#pos, this.#pos + take);
      this.#pos += take;
      have += take;
    }
    this.offset += have;
    if (have === 0) return null;
    return have < n ? out.subarray(0, have) : out;
  }

  /** Up to `n` bytes (at least 1) without copying, or null at end of input. */
  async upTo(n: number): Promise<Buffer | null> {
    if (this.#pos >= this.#buf.length && !(await this.#pull())) return null;
    const take = Math.min(n, this.#buf.length - this.#pos);
    const out = this.#buf.subarray(this.#pos, this.#pos + take);
    this.#pos += take;
    this.offset += take;
    return out;
  }

  /** Skip up to `n` bytes; returns how many were skipped (fewer only at end of input). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      if (this.#pos >= this.#buf.length && !(await this.#pull())) break;
      const take = Math.min(left, this.#buf.length - this.#pos);
      this.#pos += take;
      left -= take;
    }
    this.offset += n - left;
    return n - left;
  }

  /** Read and discard everything left (so a hash over the input covers all of it). */
  async drain(): Promise<void> {
    this.offset += this.#buf.length - this.#pos;
    this.#pos = this.#buf.length;
    while (await this.#pull()) {
      this.offset += this.#buf.length;
      this.#pos = this.#buf.length;
    }
  }

  /** Stop reading: lets the underlying stream clean up. */
  async close(): Promise<void> {
    this.#done = true;
    await this.#it.return?.();
  }
}
