// The native helper (native/hoist.c): syscalls Node's fs lacks. Loaded lazily, once.
import { createRequire } from "node:module";

export interface Native {
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  lgetxattr(path: string, name: string): Buffer | null;
  llistxattr(path: string): string[];
  /** utimensat(AT_SYMLINK_NOFOLLOW) with exact nanoseconds (Node's utimes goes through a double). */
  lutimens(path: string, atimeSec: number, atimeNsec: number, mtimeSec: number, mtimeNsec: number): void;
  /** On the thread pool: a new file (O_CREAT|O_EXCL|O_NOFOLLOW) holding `data`, then fchown, fchmod, futimens. */
  createFile(
    path: string,
    data: Buffer,
    mode: number,
    uid: number,
    gid: number,
    mtimeSec: number,
    mtimeNsec: number,
  ): Promise<void>;
  /** On the thread pool: symlink, lchown, utimensat(AT_SYMLINK_NOFOLLOW). */
  createSymlink(
    target: string,
    path: string,
    uid: number,
    gid: number,
    mtimeSec: number,
    mtimeNsec: number,
  ): Promise<void>;
  /** Non-blocking flock; false when another process holds it. */
  flock(fd: number, exclusive: boolean): boolean;
  funlock(fd: number): void;
  mount(source: string, target: string, fstype: string, flags: number, data: string): void;
  umount(target: string, detach: boolean): void;
  /** prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants (a container's init after `runc create`) become our children. */
  setSubreaper(): void;
  /** Wait (on a worker thread) for a child to end: its exit code, or the signal that killed it. */
  waitpid(pid: number): Promise<{ code?: number; signal?: number }>;
  /** A listening, non-blocking unix socket in the abstract namespace (runc's --console-socket "@name"). */
  consoleListen(name: string): number;
  /** Accept one waiting connection and receive the pty master fd it carries; -1 when nobody connected yet. */
  consoleAccept(listenFd: number): number;
  /** TIOCSWINSZ. */
  setWinsize(fd: number, rows: number, cols: number): void;
  /** dup(fd), close-on-exec. */
  dup(fd: number): number;
  /** pipe2(O_CLOEXEC): [read end, write end], both blocking. */
  pipe(): [number, number];
}

let loaded: Native | undefined;

export function native(): Native {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const path = new URL("../build/hoist.node", import.meta.url).pathname;
  try {
    loaded = require(path) as Native;
  } catch (cause) {
    throw new Error(`cannot load ${path}: run \`npm run build\` (scripts/setup does it)`, { cause });
  }
  return loaded;
}
