/* paiban CLI — a pool of worker processes that renders a batch of jobs.
 *
 * Every job runs in a child process, with -j1 too, so a crash (a worker
 * killed by a signal) loses only the job it was on: the parent names that
 * job, starts a replacement worker, and the batch goes on.  Workers take
 * their next job themselves from counters in shared memory, note there
 * which job they are on, and send each result back over a pipe; so the
 * parent always knows which job a dead worker had, and a worker never
 * waits for the parent between jobs.
 *
 * The jobs come in groups that share what a worker loads for them (the
 * CLI's groups are the jobs of one font set).  A worker keeps to one group
 * while it has jobs, taking them from the front; then it claims the group
 * with the most jobs left that no worker has started; when every group
 * has a worker, it helps the group with the most jobs left, taking from
 * the back.  So each worker loads few font sets, and none idles while a
 * job is left.
 *
 * A worker may leave a job's result for later (PB_POOL_LATER): the CLI
 * renders the next job while the finished file of the one before is
 * synced and renamed on another thread.  Should the worker die before it
 * reports that job, the parent saves the file itself (pb_pool_defer), so
 * a crash still costs only the job the worker was on.
 *
 * SIGTERM, SIGINT and SIGHUP to the parent are forwarded to the workers
 * (which also get SIGTERM through PR_SET_PDEATHSIG should the parent die
 * otherwise); each process removes its temporary output files and dies of
 * the signal (pb_pool_install_signals). */
#ifndef PB_CLI_POOL_H
#define PB_CLI_POOL_H

#include <stdbool.h>
#include <stddef.h>

/* What run returns for a job whose result it gives later, through
 * pb_pool_report; run has called pb_pool_defer for it. */
#define PB_POOL_LATER (-1)

typedef struct pb_pool_ops {
  void *ctx;
  /* In a worker: renders job i; returns 0 (success) or 1 (errors), or
   * PB_POOL_LATER when pb_pool_report will give the result (by the time
   * settle returns).  At most one job per worker waits for its report: a
   * run that leaves its job for later has reported the one before. */
  int (*run)(void *ctx, size_t job);
  /* In a worker, after its last job: reports what is still to come. */
  void (*settle)(void *ctx);
  /* In a worker, before it exits normally (frees per-process caches). */
  void (*worker_exit)(void *ctx);
  /* In the parent: job i finished (status 0/1) — for progress. */
  void (*finished)(void *ctx, size_t job, size_t done, size_t total);
  /* In the parent: job i was lost; wait_status is waitpid's status of its
   * worker, or -1 when no worker could be started for it (errno_value). */
  void (*lost)(void *ctx, size_t job, int wait_status, int errno_value);
  /* In the parent: job i was left for later by a worker that died (with
   * wait_status) on another job; saved says whether the parent could
   * sync and rename its finished file (pb_pool_defer). */
  void (*orphaned)(void *ctx, size_t job, int wait_status, bool saved);
} pb_pool_ops;

/* Runs jobs 0..njobs-1 on up to nworkers processes.  The jobs form
 * ngroups groups of consecutive numbers: group g begins at job
 * group_start[g] (group_start[0] is 0, the starts ascend; the last group
 * ends at njobs); group_start is read during the call only.  group_start
 * NULL (or ngroups 0), or starts that are not so: one group.  Returns 0
 * when every job returned 0, else 1. */
int pb_pool_run(size_t njobs, int nworkers, const size_t *group_start,
                size_t ngroups, const pb_pool_ops *ops);

/* In a worker's run, before the job is left for later: the job's finished
 * file, a complete temporary file at tmp_path to be renamed over target
 * (atomic_file.c's names; NULL, NULL: none, or names too long to keep),
 * for the parent to save should the worker die before it reports. */
void pb_pool_defer(size_t job, const char *tmp_path, const char *target);

/* In a worker (any of its threads): the result of a job its run left for
 * later.  False when the parent cannot be told (it is gone). */
bool pb_pool_report(size_t job, int status);

/* Installs the handlers for SIGINT, SIGTERM and SIGHUP (forward to the
 * workers, remove the temporary file, die of the signal) and ignores
 * SIGPIPE (a closed pipe is reported as a write error instead). */
void pb_pool_install_signals(void);

#endif
