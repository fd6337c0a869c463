/* paiban CLI — a batch worker's commit thread: the fsync and rename of one
 * finished output (pb_atomic_commit) run on it while the worker renders
 * the next manuscript.
 *
 * An fsync waits for the file system's journal, and two workers' fsyncs
 * wait for each other: for 200 short manuscripts on two workers that was
 * a fifth of the batch.  The output is as durable as before, and nothing
 * about it is reported before its commit has finished: the request's done
 * callback reports it, on the commit thread.  One request at a time: the
 * caller takes a request back (pb_commit_wait) before it starts the next,
 * and before it prints anything of its own.
 *
 * Ownership: a request is the caller's; between pb_commit_start and the
 * pb_commit_wait that returns it, only the commit thread touches it.
 */
#ifndef PB_CLI_COMMIT_H
#define PB_CLI_COMMIT_H

#include "paiban/file.h"

#include <stdbool.h>

typedef struct pb_commit_req {
  pb_atomic_file af;   /* the finished temporary file */
  pb_diags *diags;     /* where a failure of the commit is reported */
  /* Called on the commit thread once the commit is done (may be NULL):
   * the job is reported there, as soon as its file has landed. */
  void (*done)(struct pb_commit_req *req);
  pb_status status;    /* out: pb_atomic_commit's */
} pb_commit_req;

/* Commits req on the commit thread, started on first use.  False, with
 * nothing started, when no thread can be had, or when the request before
 * has not been taken back (a misuse): the caller commits req itself. */
bool pb_commit_start(pb_commit_req *req);

/* Waits for the request started last and takes it back; NULL when none
 * was started since the last take. */
pb_commit_req *pb_commit_wait(void);

/* Waits for the request under way, takes it back, and ends the thread. */
void pb_commit_stop(void);

#endif
