/* Worker processes for a batch (src/cli/pool.h). */
#include "pool.h"
#include "paiban/file.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
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
  int res;       /* the pipe results come back on; -1 when closed */
} pb_slot;

/* What the parent and the workers share (an anonymous MAP_SHARED page):
 * the next job to take, and the job each worker slot is on (-1: none).
 * A worker takes its next job itself, without a round trip through the
 * parent: on a busy two-core machine the parent, woken to hand out a job,
 * could wait milliseconds for a core while the worker idled. */
typedef struct pb_pool_shm {
  _Atomic uint32_t next;
  _Atomic int64_t job[PB_POOL_MAX];
} pb_pool_shm;

static pb_pool_shm *pb_shm;

static void pb_close(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* A result: the job and its status (8 bytes: one atomic pipe write). */
typedef struct pb_result {
  uint32_t job, status;
} pb_result;

static bool pb_write_result(int fd, pb_result r) {
  ssize_t n;
  do n = write(fd, &r, sizeof r);
  while (n < 0 && errno == EINTR);
  return n == (ssize_t)sizeof r;
}

/* 1: a result, 0: end of file, -1: error. */
static int pb_read_result(int fd, pb_result *r) {
  ssize_t n;
  do n = read(fd, r, sizeof *r);
  while (n < 0 && errno == EINTR);
  if (n == (ssize_t)sizeof *r) return 1;
  return n == 0 ? 0 : -1;
}

/* A worker in slot w: takes jobs until none is left. */
static void pb_worker_loop(const pb_pool_ops *ops, int w, size_t njobs, int res,
                           pid_t parent) {
  /* Die with the parent, however it dies. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(1);
  for (;;) {
    uint32_t job = atomic_fetch_add(&pb_shm->next, 1);
    if (job >= njobs) break;
    atomic_store(&pb_shm->job[w], (int64_t)job);
    uint32_t rc = (uint32_t)ops->run(ops->ctx, job);
    fflush(NULL);
    if (!pb_write_result(res, (pb_result){job, rc})) break;
    atomic_store(&pb_shm->job[w], -1);
  }
  if (ops->worker_exit) ops->worker_exit(ops->ctx);
  _exit(0);
}

/* Starts a worker in slot w; returns 0 or an errno value. */
static int pb_spawn(pb_slot *slots, int nslots, int w, size_t njobs,
                    const pb_pool_ops *ops) {
  int res[2];
  if (pipe(res) != 0) return errno;
  fflush(NULL);
  pid_t parent = getpid();
  atomic_store(&pb_shm->job[w], -1);
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
    for (int i = 0; i < nslots; i++) pb_close(&slots[i].res);
    close(res[0]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pb_pending) pb_atomic_pending_buffer(pb_pending[w], sizeof pb_pending[w]);
    pb_worker_loop(ops, w, njobs, res[1], parent);
  }
  int e = pid < 0 ? errno : 0;
  if (pid > 0) pb_worker_pids[w] = pid;
  sigprocmask(SIG_SETMASK, &old, NULL);
  close(res[1]);
  if (pid < 0) {
    close(res[0]);
    return e;
  }
  slots[w] = (pb_slot){.pid = pid, .res = res[0]};
  return 0;
}

/* The parent's side of a run: which jobs reported back, and how. */
typedef struct pb_pool_run_state {
  const pb_pool_ops *ops;
  size_t njobs, done;
  bool *reported;  /* per job */
  int rc, spawn_err;
  int last_death;  /* wait status of the last worker that died, or -1 */
} pb_pool_run_state;

static void pb_pool_result(pb_pool_run_state *st, pb_result r) {
  if (r.job >= st->njobs || st->reported[r.job]) return;
  st->reported[r.job] = true;
  if (r.status) st->rc = 1;
  st->done++;
  if (st->ops->finished) st->ops->finished(st->ops->ctx, r.job, st->done, st->njobs);
}

/* Worker w is gone (end of its pipe): reap it, name the job it was on if
 * that job never reported, and start a replacement while jobs remain. */
static void pb_pool_reap(pb_pool_run_state *st, pb_slot *slots, int nslots, int w) {
  pb_slot *s = &slots[w];
  int ws = 0;
  while (waitpid(s->pid, &ws, 0) < 0 && errno == EINTR) {
  }
  pb_worker_pids[w] = 0;
  if (pb_pending && pb_pending[w][0]) {
    unlink(pb_pending[w]);
    pb_pending[w][0] = '\0';
  }
  pb_close(&s->res);
  s->pid = 0;
  bool died = !(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
  if (died) st->last_death = ws;
  int64_t job = atomic_load(&pb_shm->job[w]);
  if (job >= 0 && (size_t)job < st->njobs && !st->reported[job]) {
    st->reported[job] = true;
    st->rc = 1;
    st->done++;
    st->ops->lost(st->ops->ctx, (size_t)job, ws, 0);
  }
  if (atomic_load(&pb_shm->next) < st->njobs) {
    int e = pb_spawn(slots, nslots, w, st->njobs, st->ops);
    if (e) st->spawn_err = e;
  }
}

/* Waits for results and deaths until every worker is gone. */
static void pb_pool_collect(pb_pool_run_state *st, pb_slot *slots, int nworkers) {
  struct pollfd pfd[PB_POOL_MAX];
  int idx[PB_POOL_MAX];
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
      pb_result r;
      if (pb_read_result(slots[idx[k]].res, &r) == 1)
        pb_pool_result(st, r);
      else
        pb_pool_reap(st, slots, nworkers, idx[k]);
    }
  }
}

int pb_pool_run(size_t njobs, int nworkers, const pb_pool_ops *ops) {
  if (njobs == 0) return 0;
  if (nworkers < 1) nworkers = 1;
  if (nworkers > PB_POOL_MAX) nworkers = PB_POOL_MAX;
  if ((size_t)nworkers > njobs) nworkers = (int)njobs;
  if (njobs > UINT32_MAX - PB_POOL_MAX) njobs = UINT32_MAX - PB_POOL_MAX;
  pb_slot slots[PB_POOL_MAX];
  for (int w = 0; w < nworkers; w++) slots[w] = (pb_slot){.pid = 0, .res = -1};
  pb_pool_run_state st = {.ops = ops, .njobs = njobs, .last_death = -1};
  st.reported = calloc(njobs, sizeof *st.reported);
  void *shm = mmap(NULL, sizeof *pb_shm, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  void *shared = mmap(NULL, (size_t)nworkers * sizeof *pb_pending,
                      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pb_pending = shared == MAP_FAILED ? NULL : shared;
  if (pb_pending) memset(pb_pending, 0, (size_t)nworkers * sizeof *pb_pending);
  if (shm == MAP_FAILED || !st.reported) {
    st.spawn_err = errno ? errno : ENOMEM;
    if (shm != MAP_FAILED) munmap(shm, sizeof *pb_shm);
  } else {
    pb_shm = shm;
    atomic_store(&pb_shm->next, 0);
    for (int w = 0; w < nworkers; w++) {
      int e = pb_spawn(slots, nworkers, w, njobs, ops);
      if (e) st.spawn_err = e;
    }
    pb_pool_collect(&st, slots, nworkers);
  }
  /* Jobs that never reported: one a worker died on between taking it and
   * naming it (below the counter: that death's status), or one no worker
   * was left to take (at or past it: no worker could be started). */
  size_t taken = pb_shm ? atomic_load(&pb_shm->next) : 0;
  for (size_t j = 0; j < njobs; j++)
    if (!st.reported || !st.reported[j]) {
      st.rc = 1;
      bool died = j < taken && st.last_death != -1;
      ops->lost(ops->ctx, j, died ? st.last_death : -1,
                st.spawn_err ? st.spawn_err : EAGAIN);
    }
  free(st.reported);
  if (pb_shm) munmap(pb_shm, sizeof *pb_shm);
  pb_shm = NULL;
  if (pb_pending) munmap(pb_pending, (size_t)nworkers * sizeof *pb_pending);
  pb_pending = NULL;
  return st.rc;
}
