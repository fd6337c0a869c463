/* Worker processes for a batch (src/cli/pool.h). */
#include "pool.h"
#include "paiban/file.h"

#include <errno.h>
#include <fcntl.h>
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

/* Per worker slot, in memory shared with the workers: the temporary files
 * the worker is writing (include/paiban/file.h), removed by the parent if
 * the worker dies without removing them itself; and the finished file of
 * the job it left for later (pb_pool_defer), which the parent saves. */
typedef struct pb_worker_files {
  char pending[PB_ATOMIC_PENDING][PATH_MAX];
  char later_tmp[PATH_MAX], later_target[PATH_MAX];
} pb_worker_files;
static pb_worker_files *pb_files;

/* Removes worker slot w's temporary files, named in shared memory. */
static void pb_remove_pending_of(int w) {
  for (int k = 0; pb_files && k < PB_ATOMIC_PENDING; k++)
    if (pb_files[w].pending[k][0]) {
      unlink(pb_files[w].pending[k]); /* async-signal-safe */
      pb_files[w].pending[k][0] = '\0';
    }
}

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
      pb_remove_pending_of(i);
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

/* A group of jobs in shared memory: jobs start .. start+len-1, taken from
 * both ends.  ends packs the jobs taken from the front (low 32 bits) and
 * from the back (high 32 bits), so one compare-and-swap takes a job. */
typedef struct pb_pool_group {
  _Atomic uint64_t ends;
  _Atomic uint32_t workers; /* workers that have taken a job of it */
  uint32_t start, len;
} pb_pool_group;

/* What the parent and the workers share (anonymous MAP_SHARED memory):
 * the groups' counters, the job each worker slot is on (-1: none), and
 * the one it finished rendering but has not reported yet.
 * A worker takes its next job itself, without a round trip through the
 * parent: on a busy two-core machine the parent, woken to hand out a job,
 * could wait milliseconds for a core while the worker idled. */
typedef struct pb_pool_shm {
  _Atomic int64_t job[PB_POOL_MAX];
  _Atomic int64_t later[PB_POOL_MAX]; /* a job whose result comes later
                                         (pb_pool_report), or -1 */
  size_t ngroups;
  pb_pool_group group[]; /* ngroups */
} pb_pool_shm;

/* Atomics in memory shared between processes work only lock-free. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2,
               "the pool needs lock-free 32- and 64-bit atomics");

static pb_pool_shm *pb_shm;
static size_t pb_shm_size;

static uint32_t pb_group_left(pb_pool_group *g) {
  uint64_t e = atomic_load(&g->ends);
  return g->len - (uint32_t)e - (uint32_t)(e >> 32);
}

/* Takes the next job of g from its front or its back; -1 when none is left. */
static int64_t pb_group_take(pb_pool_group *g, bool back) {
  uint64_t e = atomic_load(&g->ends), next;
  uint32_t front, behind;
  do {
    front = (uint32_t)e;
    behind = (uint32_t)(e >> 32);
    if (front + behind >= g->len) return -1;
    next = back ? e + ((uint64_t)1 << 32) : e + 1;
  } while (!atomic_compare_exchange_weak(&g->ends, &e, next));
  return back ? (int64_t)g->start + g->len - 1 - behind : (int64_t)g->start + front;
}

/* Whether job j was taken by some worker (the parent asks, afterwards). */
static bool pb_job_taken(size_t j) {
  for (size_t k = 0; k < pb_shm->ngroups; k++) {
    pb_pool_group *g = &pb_shm->group[k];
    if (j < g->start || j >= (size_t)g->start + g->len) continue;
    uint64_t e = atomic_load(&g->ends);
    size_t at = j - g->start;
    return at < (uint32_t)e || g->len - 1 - at < (uint32_t)(e >> 32);
  }
  return false;
}

/* A worker's place: the group it is on (-1: none yet) and which end it
 * takes from. */
typedef struct pb_worker_place {
  int64_t group;
  bool back;
} pb_worker_place;

/* The group with the most jobs left, among those no worker has started
 * when unclaimed; -1 when none has jobs left. */
static int64_t pb_group_most_left(bool unclaimed) {
  int64_t best = -1;
  uint32_t most = 0;
  for (size_t k = 0; k < pb_shm->ngroups; k++) {
    pb_pool_group *g = &pb_shm->group[k];
    uint32_t left = pb_group_left(g);
    if (left > most && (!unclaimed || atomic_load(&g->workers) == 0)) {
      best = (int64_t)k;
      most = left;
    }
  }
  return best;
}

/* The next job for a worker at place p (pool.h says in what order); -1
 * when none is left. */
static int64_t pb_pool_take(pb_worker_place *p) {
  if (p->group >= 0) {
    int64_t j = pb_group_take(&pb_shm->group[p->group], p->back);
    if (j >= 0) return j;
  }
  for (;;) {
    int64_t k = pb_group_most_left(true);
    bool back = false;
    if (k >= 0) {
      uint32_t none = 0;
      if (!atomic_compare_exchange_strong(&pb_shm->group[k].workers, &none, 1))
        continue; /* another worker claimed it first */
    } else {
      k = pb_group_most_left(false);
      if (k < 0) return -1;
      atomic_fetch_add(&pb_shm->group[k].workers, 1);
      back = true;
    }
    *p = (pb_worker_place){.group = k, .back = back};
    int64_t j = pb_group_take(&pb_shm->group[k], back);
    if (j >= 0) return j;
  }
}

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

/* In a worker: its slot and the pipe its results go back on. */
static int pb_worker_slot = -1, pb_worker_res = -1;

void pb_pool_defer(size_t job, const char *tmp_path, const char *target) {
  if (pb_worker_slot < 0) return;
  pb_worker_files *f = pb_files ? &pb_files[pb_worker_slot] : NULL;
  if (f) {
    bool fits = tmp_path && target && strlen(tmp_path) < sizeof f->later_tmp &&
                strlen(target) < sizeof f->later_target;
    strcpy(f->later_tmp, fits ? tmp_path : "");
    strcpy(f->later_target, fits ? target : "");
  }
  /* Named before anyone can report it: a report clears it. */
  atomic_store(&pb_shm->later[pb_worker_slot], (int64_t)job);
}

bool pb_pool_report(size_t job, int status) {
  if (pb_worker_res < 0) return false;
  bool ok = pb_write_result(pb_worker_res, (pb_result){(uint32_t)job, (uint32_t)status});
  int64_t was = (int64_t)job;
  atomic_compare_exchange_strong(&pb_shm->later[pb_worker_slot], &was, -1);
  return ok;
}

/* A worker in slot w: takes jobs until none is left. */
static void pb_worker_loop(const pb_pool_ops *ops, int w, size_t njobs, int res,
                           pid_t parent) {
  /* Die with the parent, however it dies. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(1);
  pb_worker_slot = w;
  pb_worker_res = res;
  pb_worker_place place = {.group = -1};
  for (;;) {
    int64_t job = pb_pool_take(&place);
    if (job < 0 || (size_t)job >= njobs) break;
    atomic_store(&pb_shm->job[w], job);
    int rc = ops->run(ops->ctx, (size_t)job);
    fflush(NULL);
    /* A job left for later is in the later slot (pb_pool_defer). */
    if (rc != PB_POOL_LATER &&
        !pb_write_result(res, (pb_result){(uint32_t)job, (uint32_t)rc}))
      break;
    atomic_store(&pb_shm->job[w], -1);
  }
  if (ops->settle) ops->settle(ops->ctx);
  fflush(NULL);
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
  atomic_store(&pb_shm->later[w], -1);
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
    if (pb_files)
      pb_atomic_pending_buffer(&pb_files[w].pending[0][0], sizeof pb_files[w].pending);
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

/* Syncs and renames the finished file worker w left for later
 * (pb_pool_defer) over its target, as its commit thread would have;
 * false when there is none or it cannot be. */
static bool pb_save_later(int w) {
  pb_worker_files *f = pb_files ? &pb_files[w] : NULL;
  if (!f || !f->later_tmp[0]) return false;
  int fd = open(f->later_tmp, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  pb_atomic_file af = {.target = strdup(f->later_target),
                       .tmp_path = strdup(f->later_tmp), .fd = fd,
                       .pending_slot = -1};
  pb_diags d;
  pb_diags_init(&d, f->later_target);
  bool saved = af.target && af.tmp_path ? pb_atomic_commit(&af, &d) == PB_OK
                                        : (pb_atomic_abort(&af), false);
  pb_diags_free(&d);
  return saved;
}

/* Worker w is gone (end of its pipe): reap it; save the file of a job it
 * left for later and name that job; name the job it was on if that job
 * never reported; and start a replacement while jobs remain. */
static void pb_pool_reap(pb_pool_run_state *st, pb_slot *slots, int nslots, int w) {
  pb_slot *s = &slots[w];
  int ws = 0;
  while (waitpid(s->pid, &ws, 0) < 0 && errno == EINTR) {
  }
  pb_worker_pids[w] = 0;
  pb_close(&s->res);
  s->pid = 0;
  bool died = !(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
  if (died) st->last_death = ws;
  /* First the job before (its file is finished), then the one it was on. */
  int64_t later = atomic_load(&pb_shm->later[w]);
  if (later >= 0 && (size_t)later < st->njobs && !st->reported[later]) {
    bool saved = pb_save_later(w);
    st->reported[later] = true;
    st->done++;
    if (!saved) st->rc = 1;
    if (st->ops->orphaned) st->ops->orphaned(st->ops->ctx, (size_t)later, ws, saved);
    else if (!saved) st->ops->lost(st->ops->ctx, (size_t)later, ws, 0);
  }
  int64_t job = atomic_load(&pb_shm->job[w]);
  if (job >= 0 && (size_t)job < st->njobs && !st->reported[job]) {
    st->reported[job] = true;
    st->rc = 1;
    st->done++;
    st->ops->lost(st->ops->ctx, (size_t)job, ws, 0);
  }
  pb_remove_pending_of(w);
  if (pb_files) pb_files[w].later_tmp[0] = '\0';
  if (pb_group_most_left(false) >= 0) { /* jobs are left */
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

/* The shared memory for njobs jobs in groups (pb_pool_run's arguments);
 * NULL when it cannot be mapped. */
static pb_pool_shm *pb_shm_create(size_t njobs, const size_t *group_start,
                                  size_t ngroups) {
  if (!group_start || ngroups == 0) ngroups = 1;
  size_t size = sizeof(pb_pool_shm) + ngroups * sizeof(pb_pool_group);
  pb_pool_shm *shm = mmap(NULL, size, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shm == MAP_FAILED) return NULL;
  pb_shm_size = size;
  shm->ngroups = ngroups;
  for (size_t k = 0; k < ngroups; k++) {
    size_t start = ngroups == 1 ? 0 : group_start[k];
    size_t end = k + 1 < ngroups ? group_start[k + 1] : njobs;
    pb_pool_group *g = &shm->group[k];
    atomic_store(&g->ends, 0);
    atomic_store(&g->workers, 0);
    g->start = (uint32_t)start;
    g->len = end > start ? (uint32_t)(end - start) : 0;
  }
  return shm;
}

/* Whether group_start describes groups of jobs 0..njobs-1. */
static bool pb_groups_valid(size_t njobs, const size_t *group_start, size_t ngroups) {
  if (!group_start || ngroups == 0) return true;
  if (group_start[0] != 0) return false;
  for (size_t k = 1; k < ngroups; k++)
    if (group_start[k] < group_start[k - 1] || group_start[k] > njobs) return false;
  return true;
}

int pb_pool_run(size_t njobs, int nworkers, const size_t *group_start,
                size_t ngroups, const pb_pool_ops *ops) {
  if (njobs == 0) return 0;
  if (nworkers < 1) nworkers = 1;
  if (nworkers > PB_POOL_MAX) nworkers = PB_POOL_MAX;
  if ((size_t)nworkers > njobs) nworkers = (int)njobs;
  if (njobs > UINT32_MAX - PB_POOL_MAX) njobs = UINT32_MAX - PB_POOL_MAX;
  if (!pb_groups_valid(njobs, group_start, ngroups)) group_start = NULL;
  pb_slot slots[PB_POOL_MAX];
  for (int w = 0; w < nworkers; w++) slots[w] = (pb_slot){.pid = 0, .res = -1};
  pb_pool_run_state st = {.ops = ops, .njobs = njobs, .last_death = -1};
  st.reported = calloc(njobs, sizeof *st.reported);
  pb_shm = pb_shm_create(njobs, group_start, ngroups);
  void *shared = mmap(NULL, (size_t)nworkers * sizeof *pb_files,
                      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pb_files = shared == MAP_FAILED ? NULL : shared; /* zero-filled */
  if (!pb_shm || !st.reported) {
    st.spawn_err = errno ? errno : ENOMEM;
  } else {
    for (int w = 0; w < nworkers; w++) {
      int e = pb_spawn(slots, nworkers, w, njobs, ops);
      if (e) st.spawn_err = e;
    }
    pb_pool_collect(&st, slots, nworkers);
  }
  /* Jobs that never reported: one a worker died on between taking it and
   * naming it (taken: that death's status), or one no worker was left to
   * take (no worker could be started). */
  for (size_t j = 0; j < njobs; j++)
    if (!st.reported || !st.reported[j]) {
      st.rc = 1;
      bool died = pb_shm && pb_job_taken(j) && st.last_death != -1;
      ops->lost(ops->ctx, j, died ? st.last_death : -1,
                st.spawn_err ? st.spawn_err : EAGAIN);
    }
  free(st.reported);
  if (pb_shm) munmap(pb_shm, pb_shm_size);
  pb_shm = NULL;
  if (pb_files) munmap(pb_files, (size_t)nworkers * sizeof *pb_files);
  pb_files = NULL;
  return st.rc;
}
