/* libhyphen dictionaries through the persistent cache; see hyphdict.h.
 *
 * The record is flat arrays, in this machine's byte order (the marker
 * 0x01020304 tells), so that reading it back is a few block copies and
 * one pass that turns offsets into pointers:
 *   "PBHYD2\0\0", u32 marker, u32 levels, then per level
 *     pb_hyd_level (counts and fields), nstates x pb_hyd_state,
 *     ntrans x pb_hyd_trans, nchars bytes of NUL-terminated strings
 *     (the last byte a NUL), padded to 4 bytes.
 * A string is an offset into its level's characters, PB_HYD_NULL for none.
 */
#include "text/hyphdict.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PB_HYD_MAGIC "PBHYD2\0\0"
#define PB_HYD_MARKER 0x01020304u
#define PB_HYD_NULL UINT32_MAX
#define PB_HYD_MAX_LEVELS 8

typedef struct pb_hyd_level {
  int32_t lhmin, rhmin, clhmin, crhmin, nohyphenl, utf8;
  uint32_t nohyphen;   /* string offset */
  char cset[MAX_NAME];
  uint32_t nstates, ntrans, nchars;
} pb_hyd_level;

typedef struct pb_hyd_state {
  uint32_t match, repl; /* string offsets */
  int32_t replindex, replcut, fallback;
  uint32_t trans, ntrans; /* the level's transitions [trans, trans+ntrans) */
} pb_hyd_state;

typedef struct pb_hyd_trans {
  int32_t ch, new_state;
} pb_hyd_trans;

/* ---- writing ---------------------------------------------------------- */

typedef struct pb_hyd_out {
  unsigned char *p;
  size_t len, cap;
  bool failed;
} pb_hyd_out;

static void *pb_hyd_put(pb_hyd_out *o, const void *v, size_t n) {
  if (o->failed) return NULL;
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 1 << 16;
    while (cap < o->len + n) cap *= 2;
    unsigned char *p = realloc(o->p, cap);
    if (!p) {
      o->failed = true;
      return NULL;
    }
    o->p = p;
    o->cap = cap;
  }
  void *at = o->p + o->len;
  if (v) memcpy(at, v, n);
  else memset(at, 0, n);
  o->len += n;
  return at;
}

/* Appends n bytes at p (NUL-terminated strings) to the characters being
 * gathered; their offset, PB_HYD_NULL for none (p NULL). */
static uint32_t pb_hyd_chars(pb_hyd_out *chars, const char *p, size_t n) {
  if (!p) return PB_HYD_NULL;
  if (chars->len + n >= PB_HYD_NULL) {
    chars->failed = true;
    return PB_HYD_NULL;
  }
  uint32_t off = (uint32_t)chars->len;
  pb_hyd_put(chars, p, n);
  return off;
}

/* A string (and its NUL). */
static uint32_t pb_hyd_str(pb_hyd_out *chars, const char *s) {
  return pb_hyd_chars(chars, s, s ? strlen(s) + 1 : 0);
}

/* The NOHYPHEN list: nohyphenl + 1 strings one after the other, each with
 * its NUL (how libhyphen keeps it). */
static uint32_t pb_hyd_nohyphen(pb_hyd_out *chars, const HyphenDict *d) {
  size_t n = 0;
  for (int i = 0; d->nohyphen && i <= d->nohyphenl; i++)
    n += strlen(d->nohyphen + n) + 1;
  return pb_hyd_chars(chars, d->nohyphen, n);
}

static void pb_hyd_put_level(pb_hyd_out *o, const HyphenDict *d) {
  pb_hyd_out chars = {0};
  pb_hyd_level lv;
  memset(&lv, 0, sizeof lv); /* no stray padding in the record */
  lv.lhmin = d->lhmin;
  lv.rhmin = d->rhmin;
  lv.clhmin = d->clhmin;
  lv.crhmin = d->crhmin;
  lv.nohyphenl = d->nohyphenl;
  lv.utf8 = d->utf8;
  lv.nohyphen = pb_hyd_nohyphen(&chars, d);
  /* libhyphen fills cset only up to its NUL. */
  memcpy(lv.cset, d->cset, strnlen(d->cset, MAX_NAME - 1));
  lv.nstates = (uint32_t)d->num_states;
  for (int i = 0; i < d->num_states; i++) lv.ntrans += (uint32_t)d->states[i].num_trans;
  size_t at_level = o->len;
  pb_hyd_put(o, &lv, sizeof lv);
  uint32_t t = 0;
  for (int i = 0; i < d->num_states; i++) {
    const HyphenState *st = &d->states[i];
    /* Replacement rules (non-standard hyphenation) are not recorded: such
     * a dictionary is not cached (pb_hyphdict_record). */
    pb_hyd_state r = {pb_hyd_str(&chars, st->match), PB_HYD_NULL, 0, 0,
                      st->fallback_state, t, (uint32_t)st->num_trans};
    pb_hyd_put(o, &r, sizeof r);
    t += (uint32_t)st->num_trans;
  }
  for (int i = 0; i < d->num_states; i++)
    for (int k = 0; k < d->states[i].num_trans; k++) {
      pb_hyd_trans r = {d->states[i].trans[k].ch, d->states[i].trans[k].new_state};
      pb_hyd_put(o, &r, sizeof r);
    }
  pb_hyd_put(&chars, "", 1); /* never empty, always NUL-terminated */
  pb_hyd_put(o, chars.p, chars.len);
  pb_hyd_put(o, NULL, (4 - chars.len % 4) % 4);
  if (chars.failed) o->failed = true;
  if (!o->failed) {
    pb_hyd_level *w = (pb_hyd_level *)(o->p + at_level);
    uint32_t nchars = (uint32_t)chars.len;
    memcpy(&w->nchars, &nchars, sizeof nchars);
  }
  free(chars.p);
}

void *pb_hyphdict_record(const HyphenDict *dict, size_t *len) {
  pb_hyd_out o = {0};
  uint32_t levels = 0;
  for (const HyphenDict *d = dict; d; d = d->nextlevel) {
    levels++;
    for (int i = 0; i < d->num_states; i++)
      if (d->states[i].repl) return NULL; /* replacement rules: not cached */
  }
  if (levels == 0 || levels > PB_HYD_MAX_LEVELS) return NULL;
  pb_hyd_put(&o, PB_HYD_MAGIC, 8);
  uint32_t head[2] = {PB_HYD_MARKER, levels};
  pb_hyd_put(&o, head, sizeof head);
  for (const HyphenDict *d = dict; d; d = d->nextlevel) pb_hyd_put_level(&o, d);
  if (o.failed) {
    free(o.p);
    return NULL;
  }
  *len = o.len;
  return o.p;
}

/* ---- reading ---------------------------------------------------------- */

/* A level's parts in the record: its header and arrays (not yet checked
 * beyond their sizes). */
typedef struct pb_hyd_part {
  pb_hyd_level lv;
  const unsigned char *states, *trans, *chars;
} pb_hyd_part;

/* Finds the level at *pos and moves past it; false if it does not fit. */
static bool pb_hyd_part_at(const unsigned char *data, size_t len, size_t *pos,
                           pb_hyd_part *part) {
  if (len - *pos < sizeof part->lv) return false;
  memcpy(&part->lv, data + *pos, sizeof part->lv);
  size_t at = *pos + sizeof part->lv;
  const pb_hyd_level *lv = &part->lv;
  uint64_t need = (uint64_t)lv->nstates * sizeof(pb_hyd_state) +
                  (uint64_t)lv->ntrans * sizeof(pb_hyd_trans) + lv->nchars +
                  (4 - lv->nchars % 4) % 4;
  if (lv->nstates == 0 || lv->nchars == 0 || need > len - at) return false;
  part->states = data + at;
  part->trans = part->states + (size_t)lv->nstates * sizeof(pb_hyd_state);
  part->chars = part->trans + (size_t)lv->ntrans * sizeof(pb_hyd_trans);
  if (part->chars[lv->nchars - 1] != 0) return false;
  *pos = at + (size_t)need;
  return true;
}

/* A string of the level: NULL, or a pointer into chars (the offset must
 * fall inside; the last byte being a NUL ends every string). */
static bool pb_hyd_ptr(uint32_t off, const pb_hyd_level *lv, char *chars, char **out) {
  *out = off == PB_HYD_NULL ? NULL : chars + off;
  return off == PB_HYD_NULL || off < lv->nchars;
}

/* Is the NOHYPHEN list at d->nohyphen nohyphenl + 1 non-empty strings
 * inside chars[0..nchars)?  (libhyphen walks them all with strstr; an
 * empty one would match everywhere.) */
static bool pb_hyd_nohyphen_ok(const HyphenDict *d, const char *chars, uint32_t nchars) {
  if (!d->nohyphen) return d->nohyphenl == 0;
  size_t at = (size_t)(d->nohyphen - chars);
  for (int i = 0; i <= d->nohyphenl; i++) {
    if (at >= nchars || chars[at] == 0) return false;
    at += strlen(chars + at) + 1; /* chars ends with a NUL */
  }
  return true;
}

/* What hnj_hyphen_hyphenate2 relies on and a record could break: the
 * transitions form a tree from state 0 (each other state has one parent);
 * every fallback is shallower than its state (so the walk ends), state 0's
 * being -1; and a pattern is no longer than the letters its state can have
 * seen, or libhyphen writes before the start of its buffer: the depth, or
 * one more when the state's string does not start with '.' (it cannot
 * then match at the word's start). */
static bool pb_hyd_structure_ok(const HyphenDict *d) {
  int n = d->num_states;
  int *depth = malloc((size_t)n * sizeof *depth);
  int *queue = malloc((size_t)n * sizeof *queue);
  bool *dot = calloc((size_t)n, sizeof *dot);
  bool ok = depth && queue && dot;
  for (int i = 0; ok && i < n; i++) depth[i] = -1;
  int head = 0, tail = 0;
  if (ok) {
    depth[0] = 0;
    queue[tail++] = 0;
  }
  while (ok && head < tail) {
    int s = queue[head++];
    const HyphenState *st = &d->states[s];
    for (int k = 0; ok && k < st->num_trans; k++) {
      int t = st->trans[k].new_state;
      ok = t >= 1 && t < n && depth[t] < 0; /* one parent each */
      if (!ok) break;
      depth[t] = depth[s] + 1;
      dot[t] = s == 0 ? st->trans[k].ch == '.' : dot[s];
      queue[tail++] = t;
    }
  }
  ok = ok && tail == n && d->states[0].fallback_state == -1;
  for (int s = 1; ok && s < n; s++) {
    int fb = d->states[s].fallback_state;
    ok = fb >= 0 && fb < n && depth[fb] < depth[s];
  }
  for (int s = 0; ok && s < n; s++) {
    const char *m = d->states[s].match;
    ok = !m || strlen(m) <= (size_t)depth[s] + (dot[s] ? 0 : 1);
  }
  free(depth);
  free(queue);
  free(dot);
  return ok;
}

/* Fills level d from part, its arrays at states, trans and chars. */
static bool pb_hyd_fill(const pb_hyd_part *part, HyphenDict *d, HyphenState *states,
                        HyphenTrans *trans, char *chars) {
  const pb_hyd_level *lv = &part->lv;
  memcpy(chars, part->chars, lv->nchars);
  d->lhmin = (char)lv->lhmin;
  d->rhmin = (char)lv->rhmin;
  d->clhmin = (char)lv->clhmin;
  d->crhmin = (char)lv->crhmin;
  d->nohyphenl = lv->nohyphenl;
  d->utf8 = lv->utf8;
  memcpy(d->cset, lv->cset, MAX_NAME);
  d->cset[MAX_NAME - 1] = 0;
  d->num_states = (int)lv->nstates;
  d->states = states;
  if (lv->nstates > INT32_MAX || lv->nohyphenl < 0 ||
      !pb_hyd_ptr(lv->nohyphen, lv, chars, &d->nohyphen) ||
      !pb_hyd_nohyphen_ok(d, chars, lv->nchars))
    return false;
  for (uint32_t i = 0; i < lv->nstates; i++) {
    pb_hyd_state r;
    memcpy(&r, part->states + (size_t)i * sizeof r, sizeof r);
    HyphenState *s = &states[i];
    if (!pb_hyd_ptr(r.match, lv, chars, &s->match) || r.repl != PB_HYD_NULL ||
        r.trans > lv->ntrans || r.ntrans > lv->ntrans - r.trans)
      return false;
    s->repl = NULL;
    s->replindex = 0;
    s->replcut = 0;
    s->fallback_state = r.fallback;
    s->num_trans = (int)r.ntrans;
    s->trans = r.ntrans ? trans + r.trans : NULL;
  }
  for (uint32_t t = 0; t < lv->ntrans; t++) {
    pb_hyd_trans r;
    memcpy(&r, part->trans + (size_t)t * sizeof r, sizeof r);
    trans[t].ch = (char)r.ch;
    trans[t].new_state = r.new_state;
  }
  return pb_hyd_structure_ok(d);
}

static size_t pb_hyd_align(size_t n) {
  size_t a = _Alignof(max_align_t);
  return (n + a - 1) / a * a;
}

bool pb_hyphdict_from_record(const void *data, size_t len, pb_hyphdict *d) {
  d->dict = NULL;
  d->block = NULL;
  const unsigned char *p = data;
  uint32_t head[2];
  if (!p || len < 8 + sizeof head || memcmp(p, PB_HYD_MAGIC, 8) != 0) return false;
  memcpy(head, p + 8, sizeof head);
  if (head[0] != PB_HYD_MARKER || head[1] == 0 || head[1] > PB_HYD_MAX_LEVELS)
    return false;
  pb_hyd_part part[PB_HYD_MAX_LEVELS];
  size_t pos = 8 + sizeof head, nstates = 0, ntrans = 0, nchars = 0;
  for (uint32_t i = 0; i < head[1]; i++) {
    if (!pb_hyd_part_at(p, len, &pos, &part[i])) return false;
    nstates += part[i].lv.nstates;
    ntrans += part[i].lv.ntrans;
    nchars += part[i].lv.nchars;
  }
  if (pos != len) return false; /* whole: nothing after the last level */
  size_t o_states = pb_hyd_align(head[1] * sizeof(HyphenDict));
  size_t o_trans = o_states + pb_hyd_align(nstates * sizeof(HyphenState));
  size_t o_chars = o_trans + pb_hyd_align(ntrans * sizeof(HyphenTrans));
  unsigned char *block = malloc(o_chars + nchars);
  if (!block) return false;
  HyphenDict *levels = (HyphenDict *)block;
  HyphenState *states = (HyphenState *)(block + o_states);
  HyphenTrans *trans = (HyphenTrans *)(block + o_trans);
  char *chars = (char *)(block + o_chars);
  bool ok = true;
  for (uint32_t i = 0; i < head[1] && ok; i++) {
    memset(&levels[i], 0, sizeof levels[i]);
    ok = pb_hyd_fill(&part[i], &levels[i], states, trans, chars);
    levels[i].nextlevel = i + 1 < head[1] ? &levels[i + 1] : NULL;
    states += part[i].lv.nstates;
    trans += part[i].lv.ntrans;
    chars += part[i].lv.nchars;
  }
  if (!ok) {
    free(block);
    return false;
  }
  d->dict = levels;
  d->block = block;
  return true;
}

/* ---- loading ---------------------------------------------------------- */

pb_hyphdict *pb_hyphdict_load(const char *path, pb_cache *cache) {
  pb_hyphdict *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  char hex[33] = "";
  if (cache) {
    pb_cache_key k;
    bool ok = pb_cache_key_init(&k, "hyphenation-patterns") &&
              pb_cache_key_add_file(&k, path);
    uint32_t layout[2] = {sizeof(HyphenState), sizeof(HyphenTrans)};
    pb_cache_key_add(&k, layout, sizeof layout);
    pb_cache_key_done(&k, hex);
    if (!ok) hex[0] = 0; /* the file cannot be identified: not cached */
  }
  void *data = NULL;
  size_t len = 0;
  if (hex[0] && pb_cache_get(cache, hex, &data, &len) &&
      pb_hyphdict_from_record(data, len, d)) {
    free(data);
    return d;
  }
  free(data);
  d->dict = hnj_hyphen_load(path);
  if (!d->dict) {
    free(d);
    return NULL;
  }
  if (hex[0] && (data = pb_hyphdict_record(d->dict, &len)) != NULL) {
    pb_cache_put(cache, hex, data, len);
    free(data);
  }
  return d;
}

void pb_hyphdict_free(pb_hyphdict *d) {
  if (!d) return;
  if (d->block)
    free(d->block);
  else if (d->dict)
    hnj_hyphen_free(d->dict);
  free(d);
}
