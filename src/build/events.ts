// What a build reports while it runs; only cli/ draws it.

export type BuildEvent =
  /** A step begins: `name` is what a log shows, e.g. "[builder 2/5] COPY . /src". */
  | { type: "step-start"; id: number; name: string }
  /** The step's result came from the cache. */
  | { type: "step-cached"; id: number }
  /** Output of a RUN step, as it comes. */
  | { type: "step-output"; id: number; stream: "stdout" | "stderr"; data: Buffer }
  /** A line about the step (e.g. "writing image sha256:…"). */
  | { type: "step-log"; id: number; text: string }
  | { type: "step-done"; id: number; ms: number }
  | { type: "step-error"; id: number; message: string }
  | { type: "warning"; text: string };

export type EventSink = (e: BuildEvent) => void;
