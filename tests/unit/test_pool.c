/* The CLI's worker pool (src/cli/pool.c): every job runs once, the jobs of
 * a group stay with the worker that started the group, a worker that
 * helps another group takes its jobs from the back, and a crash loses
 * only its own job. */
#include "check.h"
#include "cli/pool.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 16

/* Written by the workers (shared memory), read by the parent after. */
typedef struct job_log {
  pid_t pid[MAX_JOBS];     /* the worker that ran each job */
  int runs[MAX_JOBS];      /* how often it ran */
  int crash_job;           /* this job kills its worker; -1: none */
  int sleep_ms;
  bool later;              /* results come with the next job (PB_POOL_LATER) */
  char dir[64];            /* later: each job leaves a finished file here */
} job_log;

/* In a worker: the job whose result is still to come, or -1, and its
 * finished file (renamed over its target when reported, as the CLI's
 * commit thread does). */
static long held = -1;
static char held_tmp[128], held_target[128];

static void report_held(void) {
  if (held >= 0) {
    if (held_tmp[0]) rename(held_tmp, held_target);
    pb_pool_report((size_t)held, 0);
  }
  held = -1;
  held_tmp[0] = '\0';
}

static void settle(void *c) {
  (void)c;
  report_held();
}

typedef struct parent_log {
  int finished;
  int lost[MAX_JOBS];
  int lost_status[MAX_JOBS];
  int orphaned[MAX_JOBS], saved[MAX_JOBS];
} parent_log;

typedef struct ctx {
  job_log *shared;
  parent_log parent;
} ctx;

static int run_job(void *c, size_t job) {
  job_log *l = ((ctx *)c)->shared;
  if ((int)job == l->crash_job) raise(SIGKILL);
  l->pid[job] = getpid();
  __atomic_fetch_add(&l->runs[job], 1, __ATOMIC_SEQ_CST);
  struct timespec ts = {0, (long)l->sleep_ms * 1000000L};
  nanosleep(&ts, NULL);
  if (!l->later) return 0;
  report_held();
  /* A finished temporary file for its output, as the CLI leaves it. */
  char tmp[128] = "", target[128] = "";
  if (l->dir[0]) {
    snprintf(tmp, sizeof tmp, "%s/.out%zu.XXXXXX", l->dir, job);
    snprintf(target, sizeof target, "%s/out%zu", l->dir, job);
    int fd = mkstemp(tmp);
    if (fd >= 0) {
      char text[32];
      int n = snprintf(text, sizeof text, "job %zu", job);
      if (write(fd, text, (size_t)n) != n) tmp[0] = '\0';
      close(fd);
    }
  }
  pb_pool_defer(job, tmp[0] ? tmp : NULL, tmp[0] ? target : NULL);
  snprintf(held_tmp, sizeof held_tmp, "%s", tmp);
  snprintf(held_target, sizeof held_target, "%s", target);
  held = (long)job;
  return PB_POOL_LATER;
}

static void finished(void *c, size_t job, size_t done, size_t total) {
  (void)job;
  (void)done;
  (void)total;
  ((ctx *)c)->parent.finished++;
}

static void orphaned(void *c, size_t job, int ws, bool saved) {
  (void)ws;
  if (job < MAX_JOBS) {
    ((ctx *)c)->parent.orphaned[job]++;
    ((ctx *)c)->parent.saved[job] = saved;
  }
}

static void lost(void *c, size_t job, int ws, int err) {
  (void)err;
  if (job < MAX_JOBS) {
    ((ctx *)c)->parent.lost[job]++;
    ((ctx *)c)->parent.lost_status[job] = ws;
  }
}

static bool later_results;
static const char *later_dir = "";

static ctx *run(size_t njobs, int workers, const size_t *starts, size_t ngroups,
                int crash_job, int sleep_ms, int *rc) {
  static ctx c;
  static job_log *shared;
  if (!shared)
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  memset(shared, 0, sizeof *shared);
  shared->crash_job = crash_job;
  shared->sleep_ms = sleep_ms;
  shared->later = later_results;
  snprintf(shared->dir, sizeof shared->dir, "%s", later_dir);
  c = (ctx){.shared = shared};
  pb_pool_ops ops = {.ctx = &c, .run = run_job, .settle = settle,
                     .finished = finished, .lost = lost, .orphaned = orphaned};
  *rc = pb_pool_run(njobs, workers, starts, ngroups, &ops);
  return &c;
}

static bool each_ran_once(const ctx *c, size_t njobs, int skip) {
  for (size_t j = 0; j < njobs; j++)
    if ((int)j != skip && c->shared->runs[j] != 1) return false;
  return true;
}

/* Groups of 4, 2 and 2 jobs on two workers: each group runs in one
 * process (a worker keeps to its group, and claims an unstarted one
 * before it helps another). */
static void test_groups_stay_together(void) {
  size_t starts[] = {0, 4, 6};
  int rc;
  ctx *c = run(8, 2, starts, 3, -1, 20, &rc);
  CHECK_EQ_INT(rc, 0);
  CHECK(each_ran_once(c, 8, -1));
  CHECK_EQ_INT(c->parent.finished, 8);
  for (size_t g = 0; g < 3; g++) {
    size_t end = g + 1 < 3 ? starts[g + 1] : 8;
    for (size_t j = starts[g] + 1; j < end; j++)
      CHECK_EQ_INT(c->shared->pid[j], c->shared->pid[starts[g]]);
  }
  /* Two workers ran: the biggest group on one, the two others on the
   * second. */
  CHECK(c->shared->pid[0] != c->shared->pid[4]);
  CHECK_EQ_INT(c->shared->pid[4], c->shared->pid[6]);
}

/* One group of 6 on two workers: the first takes from the front, the
 * other helps from the back, so each ran a prefix or a suffix. */
static void test_help_from_the_back(void) {
  size_t starts[] = {0};
  int rc;
  ctx *c = run(6, 2, starts, 1, -1, 20, &rc);
  CHECK_EQ_INT(rc, 0);
  CHECK(each_ran_once(c, 6, -1));
  pid_t front = c->shared->pid[0];
  size_t k = 0;
  while (k < 6 && c->shared->pid[k] == front) k++;
  for (size_t j = k; j < 6; j++) CHECK(c->shared->pid[j] != front);
  CHECK(k >= 1 && k < 6); /* both worked: 20 ms a job is time enough */
}

/* No groups, and groups that do not describe the jobs: one group. */
static void test_one_group(void) {
  int rc;
  ctx *c = run(5, 3, NULL, 0, -1, 0, &rc);
  CHECK_EQ_INT(rc, 0);
  CHECK(each_ran_once(c, 5, -1));
  size_t bad[] = {1, 3};
  c = run(5, 2, bad, 2, -1, 0, &rc);
  CHECK_EQ_INT(rc, 0);
  CHECK(each_ran_once(c, 5, -1));
  size_t backwards[] = {0, 4, 2};
  c = run(5, 2, backwards, 3, -1, 0, &rc);
  CHECK(each_ran_once(c, 5, -1));
  /* Empty groups are allowed. */
  size_t empty[] = {0, 0, 3, 3};
  c = run(5, 2, empty, 4, -1, 0, &rc);
  CHECK_EQ_INT(rc, 0);
  CHECK(each_ran_once(c, 5, -1));
}

/* A worker killed on job 5 loses that job alone, named with its signal;
 * a replacement finishes the group. */
static void test_crash_loses_one_job(void) {
  size_t starts[] = {0, 3};
  int rc;
  ctx *c = run(8, 2, starts, 2, 5, 5, &rc);
  CHECK_EQ_INT(rc, 1);
  CHECK(each_ran_once(c, 8, 5));
  CHECK_EQ_INT(c->shared->runs[5], 0);
  CHECK_EQ_INT(c->parent.lost[5], 1);
  CHECK(WIFSIGNALED(c->parent.lost_status[5]) &&
        WTERMSIG(c->parent.lost_status[5]) == SIGKILL);
  for (size_t j = 0; j < 8; j++)
    if (j != 5) CHECK_EQ_INT(c->parent.lost[j], 0);
  CHECK_EQ_INT(c->parent.finished, 7);
}

/* Four jobs on one worker, each left for later; job 2 kills the worker
 * while job 1 waits for its report: job 1 is orphaned (saved or not),
 * job 2 lost. */
static ctx *run_crash_after_later(bool saved) {
  int rc;
  ctx *c = run(4, 1, NULL, 0, 2, 2, &rc);
  CHECK_EQ_INT(rc, 1);
  CHECK_EQ_INT(c->parent.orphaned[1], 1);
  CHECK_EQ_INT(c->parent.saved[1], saved);
  CHECK_EQ_INT(c->parent.lost[1], 0);
  CHECK_EQ_INT(c->parent.lost[2], 1);
  CHECK(WIFSIGNALED(c->parent.lost_status[2]));
  return c;
}

/* Results given later (PB_POOL_LATER, then pb_pool_report with the next
 * job or in settle) count as results; a worker that dies with one still
 * to give loses that job too, by name. */
static void test_later_results(void) {
  later_results = true;
  size_t starts[] = {0, 3};
  int rc;
  ctx *c = run(6, 2, starts, 2, -1, 2, &rc);
  CHECK_EQ_INT(rc, 0);
  CHECK(each_ran_once(c, 6, -1));
  CHECK_EQ_INT(c->parent.finished, 6);
  for (size_t j = 0; j < 6; j++) CHECK_EQ_INT(c->parent.lost[j], 0);
  /* One worker: job 1 waits for its report when job 2 kills the worker.
   * Without a file to save, job 1 is lost with job 2. */
  c = run_crash_after_later(false);
  CHECK_EQ_INT(c->parent.lost[0] + c->parent.lost[3], 0);
  CHECK_EQ_INT(c->shared->runs[3], 1); /* a replacement worker did it */
  CHECK_EQ_INT(c->parent.finished, 2);
  /* With its finished file named (pb_pool_defer), the parent saves it:
   * only the job the worker died on is lost. */
  char dir[] = "/tmp/test_pool.XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  later_dir = dir;
  c = run_crash_after_later(true);
  char path[160], text[32] = "";
  snprintf(path, sizeof path, "%s/out1", dir);
  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  if (f) {
    CHECK(fgets(text, sizeof text, f) != NULL);
    fclose(f);
  }
  CHECK_EQ_STR(text, "job 1");
  /* Nothing else is left behind but the outputs of jobs 0, 1 and 3. */
  int others = 0;
  for (int k = 0; k < 4; k++) {
    snprintf(path, sizeof path, "%s/out%d", dir, k);
    others += k != 2 && access(path, F_OK) == 0;
    unlink(path);
  }
  CHECK_EQ_INT(others, 3);
  CHECK_EQ_INT(rmdir(dir), 0); /* empty: no temporary file left */
  later_dir = "";
  later_results = false;
}

int main(void) {
  test_groups_stay_together();
  test_help_from_the_back();
  test_one_group();
  test_crash_loses_one_job();
  test_later_results();
  CHECK_DONE("pool");
}
