/* A batch worker's commit thread (src/cli/commit.h). */
#include "commit.h"

#include <pthread.h>

static pthread_mutex_t pb_commit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pb_commit_cond = PTHREAD_COND_INITIALIZER;
static pthread_t pb_commit_thread;
static bool pb_commit_running, pb_commit_quit;
static pb_commit_req *pb_commit_todo; /* started, not yet committed */
static pb_commit_req *pb_commit_done; /* committed, not yet taken back */

static void *pb_commit_main(void *arg) {
  (void)arg;
  pthread_mutex_lock(&pb_commit_lock);
  for (;;) {
    while (!pb_commit_todo && !pb_commit_quit)
      pthread_cond_wait(&pb_commit_cond, &pb_commit_lock);
    if (!pb_commit_todo) break;
    pb_commit_req *req = pb_commit_todo;
    pthread_mutex_unlock(&pb_commit_lock);
    req->status = pb_atomic_commit(&req->af, req->diags);
    if (req->done) req->done(req);
    pthread_mutex_lock(&pb_commit_lock);
    pb_commit_todo = NULL;
    pb_commit_done = req;
    pthread_cond_broadcast(&pb_commit_cond);
  }
  pthread_mutex_unlock(&pb_commit_lock);
  return NULL;
}

bool pb_commit_start(pb_commit_req *req) {
  pthread_mutex_lock(&pb_commit_lock);
  bool ok = !pb_commit_todo && !pb_commit_done; /* the one before taken back */
  if (ok && !pb_commit_running) {
    pb_commit_quit = false;
    ok = pb_commit_running =
        pthread_create(&pb_commit_thread, NULL, pb_commit_main, NULL) == 0;
  }
  if (ok) {
    pb_commit_todo = req;
    pthread_cond_broadcast(&pb_commit_cond);
  }
  pthread_mutex_unlock(&pb_commit_lock);
  return ok;
}

pb_commit_req *pb_commit_wait(void) {
  pthread_mutex_lock(&pb_commit_lock);
  while (pb_commit_todo) pthread_cond_wait(&pb_commit_cond, &pb_commit_lock);
  pb_commit_req *req = pb_commit_done;
  pb_commit_done = NULL;
  pthread_mutex_unlock(&pb_commit_lock);
  return req;
}

void pb_commit_stop(void) {
  pthread_mutex_lock(&pb_commit_lock);
  bool running = pb_commit_running;
  pb_commit_quit = true;
  pthread_cond_broadcast(&pb_commit_cond);
  pthread_mutex_unlock(&pb_commit_lock);
  if (running) pthread_join(pb_commit_thread, NULL);
  pb_commit_running = false;
  pb_commit_done = NULL; /* taken back */
}
