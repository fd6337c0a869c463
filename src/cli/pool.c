/* Worker processes for a batch (src/cli/pool.h). */
#include "pool.h"
#include "paiban/file.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define PB_POOL_MAX 256

/* The live workers' process ids, for the signal handler (which may only
 * read them; a slot is 0 when empty). */
static volatile pid_t pb_worker_pids[PB_POOL_MAX];

/* Per worker slot, in memory shared with the workers: the temporary file
 * the worker is writing (include/paiban/file.h), removed by the parent if the
 * worker dies without removing it itself. */
typedef char pb_pending_name[PATH_MAX];
static pb_pending_name *pb_pending;

static void pb_pool_on_signal(int sig) {
  int saved = errno;
  for (int i = 0; i < PB_POOL_MAX; i++)
    if (pb_worker_pids[i] > 0) kill(pb_worker_pids[i], sig);
  /* Wait for them, so none is still writing when the parent is gone. */
  for (int i = 0; i < PB_POOL_MAX; i++)
    if (pb_worker_pids[i] > 0) {
      while (waitpid(pb_worker_pids[i], NULL, 0) < 0 && errno == EINTR) {
      }
      pb_worker_pids[i] = 0;
      if (pb_pending && pb_pending[i][0]) unlink(pb_pending[i]);
    }
  pb_atomic_remove_pending();
  signal(sig, SIG_DFL);
  errno = saved;
  raise(sig);
}

void pb_pool_install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = pb_pool_on_signal;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaddset(&sa.sa_mask, SIGHUP);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}


typedef struct pb_slot {
  pid_t pid;     /* 0: no worker */
  int cmd, res;  /* pipes to and from the worker; -1 when closed */
  long job;      /* job the worker is on, -1 when none */
} pb_slot;

static void pb_close(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static bool pb_write_u32(int fd, uint32_t v) {
  ssize_t n;
  do n = write(fd, &v, sizeof v);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof v;
}

/* 1: a value, 0: end of file, -1: error. */
static int pb_read_u32(int fd, uint32_t *v) {
  ssize_t n;
  do n = read(fd, v, sizeof *v);
  while (n < 0 && errno == EINTR);
  if (n == (ssize_t)sizeof *v) return 1;
  return n == 0 ? 0 : -1;
}

static void pb_worker_loop(const pb_pool_ops *ops, int cmd, int res,
                           pid_t parent) {
  /* Die with the parent, however it dies. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(1);
  uint32_t job;
  while (pb_read_u32(cmd, &job) == 1) {
    uint32_t rc = (uint32_t)ops->run(ops->ctx, job);
    fflush(NULL);
    if (!pb_write_u32(res, rc)) break;
  }
  if (ops->worker_exit) ops->worker_exit(ops->ctx);
  _exit(0);
}

/* Starts a worker in slot w; returns 0 or an errno value. */
static int pb_spawn(pb_slot *slots, int nslots, int w, const pb_pool_ops *ops) {
  int cmd[2], res[2];
  if (pipe(cmd) != 0) return errno;
  if (pipe(res) != 0) {
    int e = errno;
    close(cmd[0]);
    close(cmd[1]);
    return e;
  }
  fflush(NULL);
  pid_t parent = getpid();
  /* The handler must not see a worker it cannot yet name. */
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGHUP);
  sigprocmask(SIG_BLOCK, &block, &old);
  pid_t pid = fork();
  if (pid == 0) {
    /* A worker has no workers of its own and holds no other pipes (a
     * stray write end would hide another worker's death). */
    for (int i = 0; i < PB_POOL_MAX; i++) pb_worker_pids[i] = 0;
    for (int i = 0; i < nslots; i++) {
      pb_close(&slots[i].cmd);
      pb_close(&slots[i].res);
    }
    close(cmd[1]);
    close(res[0]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pb_pending) pb_atomic_pending_buffer(pb_pending[w], sizeof pb_pending[w]);
    pb_worker_loop(ops, cmd[0], res[1], parent);
  }
  int e = pid < 0 ? errno : 0;
  if (pid > 0) pb_worker_pids[w] = pid;
  sigprocmask(SIG_SETMASK, &old, NULL);
  close(cmd[0]);
  close(res[1]);
  if (pid < 0) {
    close(cmd[1]);
    close(res[0]);
    return e;
  }
  slots[w] = (pb_slot){.pid = pid, .cmd = cmd[1], .res = res[0], .job = -1};
  return 0;
}

/* Gives slot w its next job, or closes its command pipe (the worker then
 * exits) when none is left. */
static void pb_assign(pb_slot *s, size_t *next, size_t njobs) {
  if (*next < njobs && pb_write_u32(s->cmd, (uint32_t)*next)) {
    s->job = (long)(*next)++;
    return;
  }
  s->job = -1;
  pb_close(&s->cmd);
}

int pb_pool_run(size_t njobs, int nworkers, const pb_pool_ops *ops) {
  if (njobs == 0) return 0;
  if (nworkers < 1) nworkers = 1;
  if (nworkers > PB_POOL_MAX) nworkers = PB_POOL_MAX;
  if ((size_t)nworkers > njobs) nworkers = (int)njobs;
  if (njobs > UINT32_MAX) njobs = UINT32_MAX;
  pb_slot slots[PB_POOL_MAX];
  struct pollfd pfd[PB_POOL_MAX];
  int idx[PB_POOL_MAX];
  for (int w = 0; w < nworkers; w++)
    slots[w] = (pb_slot){.pid = 0, .cmd = -1, .res = -1, .job = -1};
  size_t next = 0, done = 0;
  int rc = 0, spawn_err = 0;
  void *shared = mmap(NULL, (size_t)nworkers * sizeof *pb_pending,
                      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pb_pending = shared == MAP_FAILED ? NULL : shared;
  if (pb_pending) memset(pb_pending, 0, (size_t)nworkers * sizeof *pb_pending);
  for (int w = 0; w < nworkers; w++) {
    int e = pb_spawn(slots, nworkers, w, ops);
    if (e) spawn_err = e;
    else pb_assign(&slots[w], &next, njobs);
  }
  for (;;) {
    int np = 0;
    for (int w = 0; w < nworkers; w++)
      if (slots[w].pid > 0) {
        pfd[np] = (struct pollfd){.fd = slots[w].res, .events = POLLIN};
        idx[np++] = w;
      }
    if (np == 0) break;
    if (poll(pfd, (nfds_t)np, -1) < 0) {
      if (errno == EINTR) continue;
      break; /* cannot happen with valid descriptors */
    }
    for (int k = 0; k < np; k++) {
      if (!pfd[k].revents) continue;
      pb_slot *s = &slots[idx[k]];
      uint32_t status;
      if (pb_read_u32(s->res, &status) == 1 && s->job >= 0) {
        size_t job = (size_t)s->job;
        if (status) rc = 1;
        done++;
        if (ops->finished) ops->finished(ops->ctx, job, done, njobs);
        pb_assign(s, &next, njobs);
        continue;
      }
      /* End of file: the worker is gone. */
      int ws = 0;
      while (waitpid(s->pid, &ws, 0) < 0 && errno == EINTR) {
      }
      pb_worker_pids[idx[k]] = 0;
      if (pb_pending && pb_pending[idx[k]][0]) {
        unlink(pb_pending[idx[k]]);
        pb_pending[idx[k]][0] = '\0';
      }
      pb_close(&s->cmd);
      pb_close(&s->res);
      s->pid = 0;
      if (s->job >= 0) {
        rc = 1;
        done++;
        ops->lost(ops->ctx, (size_t)s->job, ws, 0);
        s->job = -1;
      }
      if (next < njobs) {
        int e = pb_spawn(slots, nworkers, idx[k], ops);
        if (e) spawn_err = e;
        else pb_assign(s, &next, njobs);
      }
    }
  }
  /* Jobs no worker could be started for. */
  for (; next < njobs; next++) {
    rc = 1;
    ops->lost(ops->ctx, next, -1, spawn_err ? spawn_err : EAGAIN);
  }
  if (pb_pending) munmap(pb_pending, (size_t)nworkers * sizeof *pb_pending);
  pb_pending = NULL;
  return rc;
}
