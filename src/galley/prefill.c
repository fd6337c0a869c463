/* The paragraph prefill: see prefill.h. */
#include "galley/prefill.h"
#include "galley/blocks.h"
#include "text/face.h"
#include "text/hyphen.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PB_PREFILL_MAX_HELPERS 64
/* How far ahead of the galley pass helpers work, in paragraphs: what they
 * made waits in memory until the pass takes it. */
#define PB_PREFILL_WINDOW 64

static _Atomic size_t pb_prefill_taken_count;

size_t pb_prefill_taken(void) { return pb_prefill_taken_count; }

enum { PB_PF_TODO, PB_PF_BUSY, PB_PF_DONE, PB_PF_CLAIMED };

/* One paragraph block and, once done, what shaping and breaking made. */
typedef struct pb_pf_entry {
  uint32_t block;
  pb_line_opts o;        /* the options guessed */
  int state;             /* PB_PF_*, under the lock */
  bool ok;               /* done, PB_OK and nothing reported */
  pb_para p;
  pb_items items;
  pb_breaks br;
} pb_pf_entry;

struct pb_prefill {
  const pb_doc *doc;
  const pb_settings *s;
  pb_fontset *fs;
  pb_pf_entry *entries;        /* in document order */
  size_t nentries;
  uint32_t *entry_of;          /* per block: its entry + 1, 0 none */
  pthread_mutex_t lock;
  pthread_cond_t done;         /* an entry became PB_PF_DONE */
  pthread_cond_t moved;        /* the galley pass moved on (pass_at) */
  size_t pass_at;              /* the entry the galley pass is at */
  bool drain;                  /* pb_prefill_wait: no window */
  bool stop;
  pthread_t helper[PB_PREFILL_MAX_HELPERS];
  int nhelpers;
};

/* The next paragraph for a helper (marked busy), or NULL when none is
 * left; under the lock.  Helpers work backwards from the end of a window
 * of PB_PREFILL_WINDOW paragraphs that starts where the galley pass is,
 * while the pass works forwards, setting the paragraphs it reaches first
 * itself: they meet in the middle, the pass then only sets what the
 * helpers made, and the window moves on.  (Helpers working forwards just
 * ahead of the pass had it waiting for each paragraph in turn; helpers
 * working from the document's end held half a long book in memory.)  A
 * helper with nothing to do in the window waits for the pass to move. */
static pb_pf_entry *pb_pf_next(pb_prefill *pf) {
  for (;;) {
    if (pf->stop) return NULL;
    size_t hi = pf->pass_at + PB_PREFILL_WINDOW;
    if (hi > pf->nentries || pf->drain) hi = pf->nentries;
    for (size_t i = hi; i-- > pf->pass_at;) {
      pb_pf_entry *e = &pf->entries[i];
      if (e->state == PB_PF_TODO) {
        e->state = PB_PF_BUSY;
        return e;
      }
    }
    if (hi == pf->nentries) return NULL; /* the rest is taken */
    pthread_cond_wait(&pf->moved, &pf->lock);
  }
}

static void pb_pf_discard(pb_pf_entry *e) {
  pb_para_free(&e->p);
  pb_items_free(&e->items);
  pb_breaks_free(&e->br);
  e->ok = false;
}

/* A helper: shapes and breaks paragraphs with a shaper of its own until
 * none is left.  Its diagnostics only say whether a result is clean. */
static void *pb_pf_helper(void *arg) {
  pb_prefill *pf = arg;
  pb_diags d;
  pb_diags_init(&d, "");
  pb_shaper *sh = NULL;
  if (pb_shaper_new(pf->fs, pf->s, &d, &sh) != PB_OK) sh = NULL;
  for (;;) {
    pthread_mutex_lock(&pf->lock);
    pb_pf_entry *e = sh ? pb_pf_next(pf) : NULL;
    pthread_mutex_unlock(&pf->lock);
    if (!e) break;
    const pb_block *b = &pf->doc->blocks[e->block];
    pb_text_run run = {.text = b->text, .style = b->style, .pos = b->pos,
                       .link = b->link, .fnref = b->fnref, .len = b->len};
    /* Counted with those the store limit dropped: a helper may have met
     * more than the limit, and its later reports must still count. */
    size_t before = d.count + d.dropped;
    pb_status rc = pb_make_para(sh, pf->s, &d, &run, pf->s->font_size,
                                PB_ROLE_BODY, &e->o, &e->p, &e->items, &e->br);
    /* A shaper that has reported something once per document (a missing
     * character) stays silent after: its later paragraphs are not the
     * render's either. */
    e->ok = rc == PB_OK && d.count + d.dropped == before && !pb_shaper_reported(sh);
    if (!e->ok) pb_pf_discard(e);
    pthread_mutex_lock(&pf->lock);
    e->state = PB_PF_DONE;
    pthread_cond_broadcast(&pf->done);
    pthread_mutex_unlock(&pf->lock);
  }
  pb_shaper_free(sh);
  pb_diags_free(&d);
  return NULL;
}

/* Collects the paragraph blocks of doc with their guessed options. */
static bool pb_pf_collect(pb_prefill *pf) {
  const pb_doc *doc = pf->doc;
  pf->entry_of = calloc(doc->nblocks ? doc->nblocks : 1, sizeof *pf->entry_of);
  pf->entries = calloc(doc->nblocks ? doc->nblocks : 1, sizeof *pf->entries);
  if (!pf->entry_of || !pf->entries) return false;
  for (size_t bi = 0; bi < doc->nblocks && bi < UINT32_MAX - 1; bi++) {
    pb_line_opts o;
    if (!pb_galley_paragraph_opts(doc, pf->s, bi, &o)) continue;
    pb_pf_entry *e = &pf->entries[pf->nentries++];
    e->block = (uint32_t)bi;
    e->o = o;
    pf->entry_of[bi] = (uint32_t)pf->nentries;
  }
  return pf->nentries >= 2;
}

static void pb_pf_free(pb_prefill *pf) {
  for (size_t i = 0; i < pf->nentries; i++)
    if (pf->entries[i].ok) pb_pf_discard(&pf->entries[i]);
  free(pf->entries);
  free(pf->entry_of);
  free(pf);
}

pb_prefill *pb_prefill_start(const pb_doc *doc, const pb_settings *s,
                             pb_fontset *fs, int threads) {
  if (threads < 2 || !doc->nblocks) return NULL;
  pb_prefill *pf = calloc(1, sizeof *pf);
  if (!pf) return NULL;
  *pf = (pb_prefill){.doc = doc, .s = s, .fs = fs};
  if (!pb_pf_collect(pf)) {
    pb_pf_free(pf);
    return NULL;
  }
  if (pthread_mutex_init(&pf->lock, NULL) != 0) {
    pb_pf_free(pf);
    return NULL;
  }
  if (pthread_cond_init(&pf->done, NULL) != 0) {
    pthread_mutex_destroy(&pf->lock);
    pb_pf_free(pf);
    return NULL;
  }
  if (pthread_cond_init(&pf->moved, NULL) != 0) {
    pthread_cond_destroy(&pf->done);
    pthread_mutex_destroy(&pf->lock);
    pb_pf_free(pf);
    return NULL;
  }
  /* Faces open lazily, which threads may not do at once. */
  pb_fontset_open_faces(fs);
  int want = threads - 1;
  if (want > PB_PREFILL_MAX_HELPERS) want = PB_PREFILL_MAX_HELPERS;
  if ((size_t)want > pf->nentries) want = (int)pf->nentries;
  while (pf->nhelpers < want &&
         pthread_create(&pf->helper[pf->nhelpers], NULL, pb_pf_helper, pf) == 0)
    pf->nhelpers++;
  return pf;
}

/* Do the entry's inputs match the run the galley pass sets? */
static bool pb_pf_matches(const pb_prefill *pf, const pb_pf_entry *e,
                          const pb_text_run *run, pb_len size, pb_role role,
                          const pb_line_opts *o) {
  const pb_block *b = &pf->doc->blocks[e->block];
  return run->text == b->text && run->len == b->len && run->style == b->style &&
         run->pos == b->pos && run->link == b->link && run->fnref == b->fnref &&
         size == pf->s->font_size && role == PB_ROLE_BODY &&
         o->measure == e->o.measure && o->indent == e->o.indent &&
         o->ragged_right == e->o.ragged_right && o->quotation == e->o.quotation &&
         o->horizontal == e->o.horizontal;
}

bool pb_prefill_take(pb_prefill *pf, const pb_text_run *run, pb_len size,
                     pb_role role, const pb_line_opts *o, uint32_t block,
                     pb_para *p, pb_items *items, pb_breaks *br) {
  if (!pf || block >= pf->doc->nblocks || !pf->entry_of[block]) return false;
  size_t at = pf->entry_of[block] - 1;
  pb_pf_entry *e = &pf->entries[at];
  pthread_mutex_lock(&pf->lock);
  if (at > pf->pass_at) {
    pf->pass_at = at;
    pthread_cond_broadcast(&pf->moved);
  }
  if (e->state == PB_PF_TODO) e->state = PB_PF_CLAIMED; /* set it here */
  while (e->state == PB_PF_BUSY) pthread_cond_wait(&pf->done, &pf->lock);
  bool have = e->state == PB_PF_DONE && e->ok;
  e->state = PB_PF_CLAIMED;
  pthread_mutex_unlock(&pf->lock);
  if (!have) return false;
  bool match = pb_pf_matches(pf, e, run, size, role, o);
  if (match) {
    pb_prefill_taken_count++;
    *p = e->p;
    *items = e->items;
    *br = e->br;
    memset(&e->p, 0, sizeof e->p);
    memset(&e->items, 0, sizeof e->items);
    memset(&e->br, 0, sizeof e->br);
    e->ok = false;
  } else {
    pb_pf_discard(e);
  }
  return match;
}

/* Sets *flag (stop or drain) for the helpers, wakes those waiting for the
 * pass to move, and joins them all. */
static void pb_pf_join(pb_prefill *pf, bool *flag) {
  pthread_mutex_lock(&pf->lock);
  *flag = true;
  pthread_cond_broadcast(&pf->moved);
  pthread_mutex_unlock(&pf->lock);
  for (int i = 0; i < pf->nhelpers; i++) pthread_join(pf->helper[i], NULL);
  pf->nhelpers = 0;
}

void pb_prefill_wait(pb_prefill *pf) {
  if (pf) pb_pf_join(pf, &pf->drain);
}

void pb_prefill_end(pb_prefill *pf) {
  if (!pf) return;
  pb_pf_join(pf, &pf->stop);
  pthread_cond_destroy(&pf->moved);
  pthread_cond_destroy(&pf->done);
  pthread_mutex_destroy(&pf->lock);
  pb_pf_free(pf);
}
