/* The paragraph prefill: a document's paragraphs shaped and broken on
 * other threads ahead of the galley pass (issue 13, "parallel work inside
 * one document").
 *
 * Shaping and line breaking a paragraph depend only on its text and a few
 * options (size, role, measure, first-line indent, ragged right, Kai
 * quotation, writing direction) — not on what was set before it.  While
 * the galley pass works through the document, helper threads take its
 * paragraph blocks from the end of a window of the next 64 backwards (so
 * what they made and the pass has not yet set stays bounded) and shape
 * and break each one
 * with the options the block styling will most likely give it
 * (pb_galley_paragraph_opts), each with a shaper of its own over the
 * shared font set and the process's hyphenation dictionary (text/hyphen.c
 * loads it once for all threads).  The galley pass, which
 * stays sequential and in document order, takes a paragraph's pb_para,
 * items and breaks from the prefill instead of making them
 * (pb_prefill_take), waiting for a helper that is on it, or taking a
 * paragraph no helper has reached for itself: the two meet in the middle.  A guess that was wrong
 * (other options), and a paragraph whose shaping or breaking reported
 * anything, are simply set again by the galley pass: what the prefill
 * hands over is exactly what the pass would have made, and diagnostics
 * come from the pass, in order.  So the output is the same bytes with any
 * number of threads (tests/threads.sh).
 *
 * Ownership: a pb_prefill owns its entries, threads and shapers; what
 * pb_prefill_take hands over belongs to the caller.  It borrows the
 * document, settings and font set, which must outlive it.
 */
#ifndef PB_PREFILL_H
#define PB_PREFILL_H

#include "galley/setline.h"
#include "lines/items.h"
#include "paiban/doc.h"

typedef struct pb_prefill pb_prefill;

/* Starts threads - 1 helper threads on doc's paragraphs (none, and NULL,
 * when threads < 2, the document has fewer than two paragraphs, or
 * resources run out: the render then simply sets everything itself). */
pb_prefill *pb_prefill_start(const pb_doc *doc, const pb_settings *s,
                             pb_fontset *fs, int threads);

/* The shaped paragraph, items and breaks of block's run, if the prefill
 * made them with exactly these inputs: true, and they are moved into p,
 * items and br (the caller frees them).  False: the caller makes them
 * itself (the block is not the prefill's, or was guessed wrong, or reported
 * something); a paragraph no helper has started is claimed, so that no
 * helper works on it in vain. */
bool pb_prefill_take(pb_prefill *pf, const pb_text_run *run, pb_len size,
                     pb_role role, const pb_line_opts *o, uint32_t block,
                     pb_para *p, pb_items *items, pb_breaks *br);

/* Stops the helpers (they finish the paragraph they are on) and frees
 * what was not taken.  NULL is allowed. */
void pb_prefill_end(pb_prefill *pf);

/* For tests: waits until the helpers have done every paragraph nobody
 * claimed (a render never waits so: it sets paragraphs itself). */
void pb_prefill_wait(pb_prefill *pf);

/* Paragraphs the galley pass took from a prefill since the process
 * started (for tests). */
size_t pb_prefill_taken(void);

#endif
