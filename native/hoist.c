/* Hoist's small native helper: the few syscalls Node's fs module lacks.
 * N-API only, so one build loads in any Node >= 18 without a rebuild. */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/file.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MAX_PATH 4096

static napi_value errno_error(napi_env env, int err, const char *call, const char *path) {
  char msg[MAX_PATH + 128];
  snprintf(msg, sizeof msg, "%s: %s%s%s", call, strerror(err), path ? ", " : "", path ? path : "");
  napi_value code, text, error;
  const char *name = "EIO";
  switch (err) {
    case ENOENT: name = "ENOENT"; break;
    case EEXIST: name = "EEXIST"; break;
    case EPERM: name = "EPERM"; break;
    case EACCES: name = "EACCES"; break;
    case ENODATA: name = "ENODATA"; break;
    case ENOTSUP: name = "ENOTSUP"; break;
    case EWOULDBLOCK: name = "EWOULDBLOCK"; break;
    case EINVAL: name = "EINVAL"; break;
    case EBUSY: name = "EBUSY"; break;
    case ENOTDIR: name = "ENOTDIR"; break;
    case ENOSPC: name = "ENOSPC"; break;
    case ERANGE: name = "ERANGE"; break;
    case ECHILD: name = "ECHILD"; break;
    case ESRCH: name = "ESRCH"; break;
    case ETIMEDOUT: name = "ETIMEDOUT"; break;
    case EADDRINUSE: name = "EADDRINUSE"; break;
    case ELOOP: name = "ELOOP"; break;
    case ENAMETOOLONG: name = "ENAMETOOLONG"; break;
    case EISDIR: name = "EISDIR"; break;
    case EROFS: name = "EROFS"; break;
    case EDQUOT: name = "EDQUOT"; break;
    case EMLINK: name = "EMLINK"; break;
    default: break;
  }
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_value errnoValue;
  napi_create_int32(env, -err, &errnoValue);
  napi_set_named_property(env, error, "errno", errnoValue);
  napi_set_named_property(env, error, "code", code);
  return error;
}

static napi_value throw_errno(napi_env env, int err, const char *call, const char *path) {
  napi_throw(env, errno_error(env, err, call, path));
  return NULL;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "wrong number of arguments");
    return 0;
  }
  return 1;
}

static int get_string(napi_env env, napi_value v, char *buf, size_t len) {
  size_t out;
  if (napi_get_value_string_utf8(env, v, buf, len, &out) != napi_ok || out >= len - 1) {
    napi_throw_type_error(env, NULL, "expected a string shorter than PATH_MAX");
    return 0;
  }
  return 1;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/* mknod(path, mode, major, minor) */
static napi_value js_mknod(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  char path[MAX_PATH];
  uint32_t mode, major, minor;
  if (!get_args(env, info, 4, argv) || !get_string(env, argv[0], path, sizeof path)) return NULL;
  napi_get_value_uint32(env, argv[1], &mode);
  napi_get_value_uint32(env, argv[2], &major);
  napi_get_value_uint32(env, argv[3], &minor);
  if (mknod(path, mode, makedev(major, minor)) != 0) return throw_errno(env, errno, "mknod", path);
  return undefined(env);
}

/* lsetxattr(path, name, value: Buffer) */
static napi_value js_lsetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char path[MAX_PATH], name[256];
  void *data;
  size_t len;
  if (!get_args(env, info, 3, argv) || !get_string(env, argv[0], path, sizeof path) ||
      !get_string(env, argv[1], name, sizeof name))
    return NULL;
  if (napi_get_buffer_info(env, argv[2], &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "value must be a Buffer");
    return NULL;
  }
  if (lsetxattr(path, name, data, len, 0) != 0) return throw_errno(env, errno, "lsetxattr", path);
  return undefined(env);
}

/* lgetxattr(path, name) -> Buffer | null (null when the attribute is absent or unsupported) */
static napi_value js_lgetxattr(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  char path[MAX_PATH], name[256];
  if (!get_args(env, info, 2, argv) || !get_string(env, argv[0], path, sizeof path) ||
      !get_string(env, argv[1], name, sizeof name))
    return NULL;
  char buf[65536];
  ssize_t n = lgetxattr(path, name, buf, sizeof buf);
  if (n < 0) {
    if (errno == ENODATA || errno == ENOTSUP) {
      napi_get_null(env, &result);
      return result;
    }
    return throw_errno(env, errno, "lgetxattr", path);
  }
  napi_create_buffer_copy(env, (size_t)n, buf, NULL, &result);
  return result;
}

/* llistxattr(path) -> string[] */
static napi_value js_llistxattr(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  char path[MAX_PATH];
  if (!get_args(env, info, 1, argv) || !get_string(env, argv[0], path, sizeof path)) return NULL;
  char buf[65536];
  ssize_t n = llistxattr(path, buf, sizeof buf);
  napi_create_array(env, &result);
  if (n < 0) {
    if (errno == ENOTSUP) return result;
    return throw_errno(env, errno, "llistxattr", path);
  }
  uint32_t index = 0;
  for (ssize_t i = 0; i < n;) {
    size_t len = strlen(buf + i);
    napi_value s;
    napi_create_string_utf8(env, buf + i, len, &s);
    napi_set_element(env, result, index++, s);
    i += (ssize_t)len + 1;
  }
  return result;
}

/* lutimens(path, atimeSec, atimeNsec, mtimeSec, mtimeNsec): exact times, not following a final symlink */
static napi_value js_lutimens(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  char path[MAX_PATH];
  int64_t v[4];
  if (!get_args(env, info, 5, argv) || !get_string(env, argv[0], path, sizeof path)) return NULL;
  for (int i = 0; i < 4; i++) {
    if (napi_get_value_int64(env, argv[i + 1], &v[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "times must be numbers");
      return NULL;
    }
  }
  struct timespec ts[2] = {{.tv_sec = v[0], .tv_nsec = v[1]}, {.tv_sec = v[2], .tv_nsec = v[3]}};
  if (utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW) != 0) return throw_errno(env, errno, "utimensat", path);
  return undefined(env);
}

/* createFile / createSymlink: make one node with its owner, mode and times in a single thread-pool job,
 * so extracting many small files costs one round trip each and several run at once. */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref data_ref;
  char path[MAX_PATH];
  char target[MAX_PATH];
  const char *data;
  size_t len;
  int symlink;
  uint32_t mode, uid, gid;
  int64_t sec, nsec;
  int err;
  const char *call;
} create_job;

static void create_fail(create_job *j, const char *call) {
  j->err = errno;
  j->call = call;
}

static void create_execute(napi_env env, void *p) {
  (void)env;
  create_job *j = p;
  struct timespec ts[2] = {{.tv_sec = j->sec, .tv_nsec = j->nsec}, {.tv_sec = j->sec, .tv_nsec = j->nsec}};
  if (j->symlink) {
    if (symlink(j->target, j->path) != 0) return create_fail(j, "symlink");
    if (lchown(j->path, j->uid, j->gid) != 0) return create_fail(j, "lchown");
    if (utimensat(AT_FDCWD, j->path, ts, AT_SYMLINK_NOFOLLOW) != 0) return create_fail(j, "utimensat");
    return;
  }
  int fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return create_fail(j, "open");
  size_t off = 0;
  while (off < j->len) {
    ssize_t n = write(fd, j->data + off, j->len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) goto fail_write;
    off += (size_t)n;
  }
  if (fchown(fd, j->uid, j->gid) != 0) goto fail_chown;
  if (fchmod(fd, j->mode & 07777) != 0) goto fail_chmod;
  if (futimens(fd, ts) != 0) goto fail_utimens;
  if (close(fd) != 0) return create_fail(j, "close");
  return;
fail_write:
  create_fail(j, "write");
  goto out;
fail_chown:
  create_fail(j, "fchown");
  goto out;
fail_chmod:
  create_fail(j, "fchmod");
  goto out;
fail_utimens:
  create_fail(j, "futimens");
out:
  close(fd);
}

static void create_complete(napi_env env, napi_status status, void *p) {
  create_job *j = p;
  if (j->data_ref) napi_delete_reference(env, j->data_ref);
  if (status == napi_ok && j->err == 0) {
    napi_resolve_deferred(env, j->deferred, undefined(env));
  } else {
    int err = j->err ? j->err : ECANCELED;
    napi_reject_deferred(env, j->deferred, errno_error(env, err, j->call ? j->call : "create", j->path));
  }
  napi_delete_async_work(env, j->work);
  free(j);
}

static napi_value queue_create(napi_env env, create_job *j) {
  napi_value promise, name;
  napi_create_promise(env, &j->deferred, &promise);
  napi_create_string_utf8(env, "hoist.create", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, create_execute, create_complete, j, &j->work);
  napi_queue_async_work(env, j->work);
  return promise;
}

static int get_times(napi_env env, napi_value *argv, create_job *j) {
  if (napi_get_value_int64(env, argv[0], &j->sec) != napi_ok || napi_get_value_int64(env, argv[1], &j->nsec) != napi_ok) {
    napi_throw_type_error(env, NULL, "times must be numbers");
    return 0;
  }
  return 1;
}

/* createFile(path, data: Buffer, mode, uid, gid, mtimeSec, mtimeNsec) -> Promise<void> */
static napi_value js_create_file(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) return NULL;
  create_job *j = calloc(1, sizeof *j);
  if (!j) return throw_errno(env, ENOMEM, "createFile", NULL);
  void *data;
  if (!get_string(env, argv[0], j->path, sizeof j->path) || !get_times(env, argv + 5, j)) goto fail;
  if (napi_get_buffer_info(env, argv[1], &data, &j->len) != napi_ok) {
    napi_throw_type_error(env, NULL, "data must be a Buffer");
    goto fail;
  }
  j->data = data;
  napi_get_value_uint32(env, argv[2], &j->mode);
  napi_get_value_uint32(env, argv[3], &j->uid);
  napi_get_value_uint32(env, argv[4], &j->gid);
  napi_create_reference(env, argv[1], 1, &j->data_ref);
  return queue_create(env, j);
fail:
  free(j);
  return NULL;
}

/* createSymlink(target, path, uid, gid, mtimeSec, mtimeNsec) -> Promise<void> */
static napi_value js_create_symlink(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) return NULL;
  create_job *j = calloc(1, sizeof *j);
  if (!j) return throw_errno(env, ENOMEM, "createSymlink", NULL);
  if (!get_string(env, argv[0], j->target, sizeof j->target) || !get_string(env, argv[1], j->path, sizeof j->path) ||
      !get_times(env, argv + 4, j)) {
    free(j);
    return NULL;
  }
  j->symlink = 1;
  napi_get_value_uint32(env, argv[2], &j->uid);
  napi_get_value_uint32(env, argv[3], &j->gid);
  return queue_create(env, j);
}

/* flock(fd, exclusive: boolean, wait: false) -> boolean (false when it would block) */
static napi_value js_flock(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  int32_t fd;
  bool exclusive;
  if (!get_args(env, info, 2, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_bool(env, argv[1], &exclusive);
  int op = (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB;
  if (flock(fd, op) != 0) {
    if (errno == EWOULDBLOCK) {
      napi_get_boolean(env, false, &result);
      return result;
    }
    return throw_errno(env, errno, "flock", NULL);
  }
  napi_get_boolean(env, true, &result);
  return result;
}

/* funlock(fd) */
static napi_value js_funlock(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!get_args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  if (flock(fd, LOCK_UN) != 0) return throw_errno(env, errno, "flock", NULL);
  return undefined(env);
}

/* mount(source, target, fstype, flags, data) */
static napi_value js_mount(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  char source[MAX_PATH], target[MAX_PATH], fstype[64];
  uint32_t flags;
  if (!get_args(env, info, 5, argv) || !get_string(env, argv[0], source, sizeof source) ||
      !get_string(env, argv[1], target, sizeof target) || !get_string(env, argv[2], fstype, sizeof fstype))
    return NULL;
  napi_get_value_uint32(env, argv[3], &flags);
  size_t dlen;
  napi_get_value_string_utf8(env, argv[4], NULL, 0, &dlen);
  char *data = malloc(dlen + 1);
  if (!data) return throw_errno(env, ENOMEM, "mount", target);
  napi_get_value_string_utf8(env, argv[4], data, dlen + 1, &dlen);
  int rc = mount(source, target, fstype, flags, dlen ? data : NULL);
  int err = errno;
  free(data);
  if (rc != 0) return throw_errno(env, err, "mount", target);
  return undefined(env);
}

/* umount(target, detach: boolean) */
static napi_value js_umount(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char target[MAX_PATH];
  bool detach;
  if (!get_args(env, info, 2, argv) || !get_string(env, argv[0], target, sizeof target)) return NULL;
  napi_get_value_bool(env, argv[1], &detach);
  if (umount2(target, detach ? MNT_DETACH : 0) != 0) return throw_errno(env, errno, "umount", target);
  return undefined(env);
}

/* --- containers: the monitor's few process and terminal calls --- */

/* setSubreaper(): prctl(PR_SET_CHILD_SUBREAPER, 1), so a container's init (orphaned when `runc create`
 * exits) becomes our child and we can wait for its exit status. */
static napi_value js_set_subreaper(napi_env env, napi_callback_info info) {
  (void)info;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return throw_errno(env, errno, "prctl", NULL);
  return undefined(env);
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  pid_t pid;
  int status;
  int err;
} wait_req;

static void wait_execute(napi_env env, void *data) {
  (void)env;
  wait_req *r = data;
  pid_t got;
  do got = waitpid(r->pid, &r->status, __WALL);
  while (got < 0 && errno == EINTR);
  r->err = got < 0 ? errno : 0;
}

static void wait_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  wait_req *r = data;
  napi_value result, v;
  if (r->err != 0) {
    char msg[128];
    snprintf(msg, sizeof msg, "waitpid %d: %s", (int)r->pid, strerror(r->err));
    napi_value text;
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
    napi_create_error(env, NULL, text, &result);
    napi_reject_deferred(env, r->deferred, result);
  } else {
    napi_create_object(env, &result);
    if (WIFEXITED(r->status)) {
      napi_create_int32(env, WEXITSTATUS(r->status), &v);
      napi_set_named_property(env, result, "code", v);
    } else if (WIFSIGNALED(r->status)) {
      napi_create_int32(env, WTERMSIG(r->status), &v);
      napi_set_named_property(env, result, "signal", v);
    }
    napi_resolve_deferred(env, r->deferred, result);
  }
  napi_delete_async_work(env, r->work);
  free(r);
}

/* waitpid(pid) -> Promise<{ code?: number, signal?: number }>: blocks a worker thread, not the loop. */
static napi_value js_waitpid(napi_env env, napi_callback_info info) {
  napi_value argv[1], promise, name;
  int32_t pid;
  if (!get_args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &pid);
  wait_req *r = calloc(1, sizeof *r);
  if (!r) return throw_errno(env, ENOMEM, "waitpid", NULL);
  r->pid = pid;
  napi_create_promise(env, &r->deferred, &promise);
  napi_create_string_utf8(env, "hoist.waitpid", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, wait_execute, wait_complete, r, &r->work);
  napi_queue_async_work(env, r->work);
  return promise;
}

/* consoleListen(name) -> fd: a listening unix socket in the abstract namespace ("@name" for runc's
 * --console-socket), non-blocking and close-on-exec. */
static napi_value js_console_listen(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  char name[100];
  if (!get_args(env, info, 1, argv) || !get_string(env, argv[0], name, sizeof name)) return NULL;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, errno, "socket", NULL);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t len = strlen(name);
  memcpy(addr.sun_path + 1, name, len);
  socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
  if (bind(fd, (struct sockaddr *)&addr, alen) != 0 || listen(fd, 1) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, err, "bind", name);
  }
  napi_create_int32(env, fd, &result);
  return result;
}

/* consoleAccept(listenFd) -> fd | -1: accept one connection if one is waiting and receive the pty master
 * it carries (SCM_RIGHTS); -1 when nobody has connected yet. */
static napi_value js_console_accept(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  int32_t lfd;
  if (!get_args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &lfd);
  int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      napi_create_int32(env, -1, &result);
      return result;
    }
    return throw_errno(env, errno, "accept", NULL);
  }
  struct pollfd p = {.fd = conn, .events = POLLIN};
  int pr;
  do pr = poll(&p, 1, 10000);
  while (pr < 0 && errno == EINTR);
  if (pr <= 0) {
    close(conn);
    return throw_errno(env, pr == 0 ? ETIMEDOUT : errno, "console socket", NULL);
  }
  char buf[4096];
  struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
  union {
    char raw[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.raw, .msg_controllen = sizeof control.raw};
  ssize_t n;
  do n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  int err = errno;
  close(conn);
  if (n < 0) return throw_errno(env, err, "recvmsg", NULL);
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) return throw_errno(env, EPROTO, "console socket: no fd", NULL);
  int master;
  memcpy(&master, CMSG_DATA(c), sizeof master);
  napi_create_int32(env, master, &result);
  return result;
}

/* setWinsize(fd, rows, cols): TIOCSWINSZ on a terminal. */
static napi_value js_set_winsize(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd;
  uint32_t rows, cols;
  if (!get_args(env, info, 3, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_uint32(env, argv[1], &rows);
  napi_get_value_uint32(env, argv[2], &cols);
  struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  if (ioctl(fd, TIOCSWINSZ, &ws) != 0) return throw_errno(env, errno, "ioctl(TIOCSWINSZ)", NULL);
  return undefined(env);
}

/* dup(fd) -> fd (close-on-exec). */
static napi_value js_dup(napi_env env, napi_callback_info info) {
  napi_value argv[1], result;
  int32_t fd;
  if (!get_args(env, info, 1, argv)) return NULL;
  napi_get_value_int32(env, argv[0], &fd);
  int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (nfd < 0) return throw_errno(env, errno, "dup", NULL);
  napi_create_int32(env, nfd, &result);
  return result;
}

/* pipe() -> [readFd, writeFd], both close-on-exec and blocking (a child given one by spawn gets a plain
 * blocking pipe; Node's own 'pipe' stdio is closed when the runtime process exits, before the container is done). */
static napi_value js_pipe(napi_env env, napi_callback_info info) {
  (void)info;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return throw_errno(env, errno, "pipe2", NULL);
  napi_value result, v;
  napi_create_array_with_length(env, 2, &result);
  for (uint32_t i = 0; i < 2; i++) {
    napi_create_int32(env, fds[i], &v);
    napi_set_element(env, result, i, v);
  }
  return result;
}

static void define(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

static napi_value init(napi_env env, napi_value exports) {
  define(env, exports, "mknod", js_mknod);
  define(env, exports, "lsetxattr", js_lsetxattr);
  define(env, exports, "lgetxattr", js_lgetxattr);
  define(env, exports, "llistxattr", js_llistxattr);
  define(env, exports, "lutimens", js_lutimens);
  define(env, exports, "createFile", js_create_file);
  define(env, exports, "createSymlink", js_create_symlink);
  define(env, exports, "flock", js_flock);
  define(env, exports, "funlock", js_funlock);
  define(env, exports, "mount", js_mount);
  define(env, exports, "umount", js_umount);
  define(env, exports, "setSubreaper", js_set_subreaper);
  define(env, exports, "waitpid", js_waitpid);
  define(env, exports, "consoleListen", js_console_listen);
  define(env, exports, "consoleAccept", js_console_accept);
  define(env, exports, "setWinsize", js_set_winsize);
  define(env, exports, "dup", js_dup);
  define(env, exports, "pipe", js_pipe);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
