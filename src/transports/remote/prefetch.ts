// Bounded parallel layer downloads under copy's one-layer-at-a-time loop: while copy streams one layer into the
// sink, the next ones (docker's 3 downloads at once) start and read ahead into a bounded buffer each; when copy
// asks for one, it gets that stream, already on its way. Nothing goes to disk twice; memory stays bounded.
import { PassThrough, type Readable } from "node:stream";
import type { LayerRef } from "../types.ts";

interface Job {
  layer: LayerRef;
  stream: PassThrough;
  started: boolean;
  taken: boolean;
  failed: boolean;
}

export interface PrefetchOptions {
  /** Downloads at once, the one copy reads directly included (default 3, docker's max-concurrent-downloads). */
  concurrency?: number;
  /** Bytes read ahead per layer before its download waits for copy (default 32 MiB). */
  window?: number;
}

export class Prefetcher {
  private readonly fetch: (layer: LayerRef, signal: AbortSignal) => Promise<Readable>;
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private readonly controller = new AbortController();
  private readonly concurrency: number;
  private readonly window: number;
  private running = 0;

  constructor(fetch: (layer: LayerRef, signal: AbortSignal) => Promise<Readable>, options: PrefetchOptions = {}) {
    this.fetch = fetch;
    this.concurrency = Math.max(1, options.concurrency ?? 3);
    this.window = options.window ?? 32 << 20;
  }

  /** Layers copy will read, in its order; all but the first are fetched ahead (copy reads the first directly). */
  schedule(layers: LayerRef[]): void {
    if (this.concurrency < 2) return;
    for (const layer of layers.slice(1)) {
      const key = layer.descriptor.digest;
      if (this.jobs.has(key)) continue;
      const stream = new PassThrough({ highWaterMark: this.window });
      const job: Job = { layer, stream, started: false, taken: false, failed: false };
      stream.on("error", () => {
        job.failed = true; // kept quiet until copy asks for the layer (then it is fetched again)
      });
      this.jobs.set(key, job);
      this.queue.push(job);
    }
    this.running = Math.max(this.running, 1); // the slot of the layer copy reads directly
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) this.start(this.queue.shift() as Job);
  }

  private start(job: Job): void {
    if (job.started) return;
    job.started = true;
    this.running++;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.running--;
      this.pump();
    };
    this.fetch(job.layer, this.controller.signal).then(
      (body) => {
        body.on("error", (e) => {
          job.stream.destroy(e);
          finish();
        });
        body.on("end", finish);
        body.pipe(job.stream);
      },
      (e: unknown) => {
        job.stream.destroy(e instanceof Error ? e : new Error(String(e)));
        finish();
      },
    );
  }

  /** The layer's stream when it is being fetched ahead, else undefined (the caller opens it itself). */
  open(layer: LayerRef): Readable | undefined {
    const job = this.jobs.get(layer.descriptor.digest);
    if (!job || job.taken || job.failed) return undefined;
    job.taken = true;
    const i = this.queue.indexOf(job);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.start(job); // wanted now: ahead of the queue
    }
    return job.stream;
  }

  /** Stop the downloads not taken yet. */
  close(): void {
    this.controller.abort();
    this.queue.length = 0;
    for (const job of this.jobs.values()) if (!job.taken) job.stream.destroy();
  }
}
