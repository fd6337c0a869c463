/* libhyphen dictionaries through the persistent cache; see hyphdict.h.
 *
 * The record, in this machine's byte order (the marker 0x01020304 tells):
 *   "PBHYD1\0\0", u32 marker, u32 levels, u32 states, u32 transitions,
 *   u32 string bytes (with their NULs), then per level
 *     i8 lhmin rhmin clhmin crhmin, i32 nohyphenl, str nohyphen,
 *     char cset[MAX_NAME], i32 utf8, i32 num_states, then per state
 *       str match, str repl, i8 replindex, i8 replcut, i32 fallback_state,
 *       i32 num_trans, num_trans x (i8 ch, i32 new_state)
 *   where str is a u32 length (UINT32_MAX: NULL) and that many bytes.
 */
#include "text/hyphdict.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PB_HYD_MAGIC "PBHYD1\0\0"
#define PB_HYD_MARKER 0x01020304u
#define PB_HYD_NULL UINT32_MAX
#define PB_HYD_MAX_LEVELS 8

/* ---- writing ---------------------------------------------------------- */

typedef struct pb_hyd_out {
  unsigned char *p;
  size_t len, cap;
  bool failed;
} pb_hyd_out;

static void pb_hyd_put(pb_hyd_out *o, const void *v, size_t n) {
  if (o->failed) return;
  if (o->len + n > o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 1 << 16;
    while (cap < o->len + n) cap *= 2;
    unsigned char *p = realloc(o->p, cap);
    if (!p) {
      o->failed = true;
      return;
    }
    o->p = p;
    o->cap = cap;
  }
  memcpy(o->p + o->len, v, n);
  o->len += n;
}

static void pb_hyd_put_i8(pb_hyd_out *o, int v) {
  int8_t b = (int8_t)v;
  pb_hyd_put(o, &b, 1);
}

static void pb_hyd_put_u32(pb_hyd_out *o, uint32_t v) { pb_hyd_put(o, &v, 4); }

static void pb_hyd_put_str(pb_hyd_out *o, const char *s, uint32_t *bytes) {
  if (!s) {
    pb_hyd_put_u32(o, PB_HYD_NULL);
    return;
  }
  size_t n = strlen(s);
  if (n >= UINT32_MAX / 2) o->failed = true;
  pb_hyd_put_u32(o, (uint32_t)n);
  pb_hyd_put(o, s, n);
  *bytes += (uint32_t)n + 1;
}

static void pb_hyd_put_level(pb_hyd_out *o, const HyphenDict *d, uint32_t *states,
                             uint32_t *trans, uint32_t *bytes) {
  pb_hyd_put_i8(o, d->lhmin);
  pb_hyd_put_i8(o, d->rhmin);
  pb_hyd_put_i8(o, d->clhmin);
  pb_hyd_put_i8(o, d->crhmin);
  pb_hyd_put_u32(o, (uint32_t)d->nohyphenl);
  pb_hyd_put_str(o, d->nohyphen, bytes);
  /* libhyphen fills cset only up to its NUL: the rest is written as
   * zeros, so that the record is the same bytes every time. */
  char cset[MAX_NAME] = {0};
  memcpy(cset, d->cset, strnlen(d->cset, MAX_NAME - 1));
  pb_hyd_put(o, cset, MAX_NAME);
  pb_hyd_put_u32(o, (uint32_t)d->utf8);
  pb_hyd_put_u32(o, (uint32_t)d->num_states);
  *states += (uint32_t)d->num_states;
  for (int i = 0; i < d->num_states; i++) {
    const HyphenState *s = &d->states[i];
    pb_hyd_put_str(o, s->match, bytes);
    pb_hyd_put_str(o, s->repl, bytes);
    /* libhyphen sets these only for states with a replacement. */
    pb_hyd_put_i8(o, s->repl ? s->replindex : 0);
    pb_hyd_put_i8(o, s->repl ? s->replcut : 0);
    pb_hyd_put_u32(o, (uint32_t)s->fallback_state);
    pb_hyd_put_u32(o, (uint32_t)s->num_trans);
    *trans += (uint32_t)s->num_trans;
    for (int t = 0; t < s->num_trans; t++) {
      pb_hyd_put_i8(o, s->trans[t].ch);
      pb_hyd_put_u32(o, (uint32_t)s->trans[t].new_state);
    }
  }
}

void *pb_hyphdict_record(const HyphenDict *dict, size_t *len) {
  pb_hyd_out o = {0};
  uint32_t levels = 0, states = 0, trans = 0, bytes = 0;
  for (const HyphenDict *d = dict; d; d = d->nextlevel) levels++;
  if (levels == 0 || levels > PB_HYD_MAX_LEVELS) return NULL;
  pb_hyd_put(&o, PB_HYD_MAGIC, 8);
  uint32_t head[5] = {PB_HYD_MARKER, levels, 0, 0, 0};
  pb_hyd_put(&o, head, sizeof head); /* the totals are filled in below */
  for (const HyphenDict *d = dict; d; d = d->nextlevel)
    pb_hyd_put_level(&o, d, &states, &trans, &bytes);
  if (o.failed) {
    free(o.p);
    return NULL;
  }
  head[2] = states;
  head[3] = trans;
  head[4] = bytes;
  memcpy(o.p + 8, head, sizeof head);
  *len = o.len;
  return o.p;
}

/* ---- reading ---------------------------------------------------------- */

typedef struct pb_hyd_in {
  const unsigned char *p, *end;
  bool bad;
  /* Where the next state, transition and string byte go, and the ends
   * of those arrays in the block. */
  HyphenState *state, *state_end;
  HyphenTrans *trans, *trans_end;
  char *chars, *chars_end;
} pb_hyd_in;

static void pb_hyd_get(pb_hyd_in *in, void *v, size_t n) {
  if (in->bad || (size_t)(in->end - in->p) < n) {
    in->bad = true;
    memset(v, 0, n);
    return;
  }
  memcpy(v, in->p, n);
  in->p += n;
}

static int pb_hyd_get_i8(pb_hyd_in *in) {
  int8_t b;
  pb_hyd_get(in, &b, 1);
  return b;
}

static uint32_t pb_hyd_get_u32(pb_hyd_in *in) {
  uint32_t v;
  pb_hyd_get(in, &v, 4);
  return v;
}

/* A string into the block's character area (NUL-terminated), or NULL. */
static char *pb_hyd_get_str(pb_hyd_in *in) {
  uint32_t n = pb_hyd_get_u32(in);
  if (in->bad || n == PB_HYD_NULL) return NULL;
  if ((size_t)(in->end - in->p) < n || (size_t)(in->chars_end - in->chars) < (size_t)n + 1 ||
      memchr(in->p, 0, n)) {
    in->bad = true;
    return NULL;
  }
  char *s = in->chars;
  memcpy(s, in->p, n);
  s[n] = 0;
  in->p += n;
  in->chars += n + 1;
  return s;
}

/* One state; its indices must lie in [-1, nstates). */
static void pb_hyd_get_state(pb_hyd_in *in, HyphenState *s, int nstates) {
  s->match = pb_hyd_get_str(in);
  s->repl = pb_hyd_get_str(in);
  s->replindex = (signed char)pb_hyd_get_i8(in);
  s->replcut = (signed char)pb_hyd_get_i8(in);
  s->fallback_state = (int)pb_hyd_get_u32(in);
  uint32_t nt = pb_hyd_get_u32(in);
  if (in->bad || s->fallback_state < -1 || s->fallback_state >= nstates ||
      nt > (size_t)(in->trans_end - in->trans)) {
    in->bad = true;
    return;
  }
  s->num_trans = (int)nt;
  s->trans = nt ? in->trans : NULL;
  in->trans += nt;
  for (uint32_t t = 0; t < nt && !in->bad; t++) {
    s->trans[t].ch = (char)pb_hyd_get_i8(in);
    s->trans[t].new_state = (int)pb_hyd_get_u32(in);
    if (s->trans[t].new_state < -1 || s->trans[t].new_state >= nstates) in->bad = true;
  }
}

static void pb_hyd_get_level(pb_hyd_in *in, HyphenDict *d) {
  d->lhmin = (char)pb_hyd_get_i8(in);
  d->rhmin = (char)pb_hyd_get_i8(in);
  d->clhmin = (char)pb_hyd_get_i8(in);
  d->crhmin = (char)pb_hyd_get_i8(in);
  d->nohyphenl = (int)pb_hyd_get_u32(in);
  d->nohyphen = pb_hyd_get_str(in);
  pb_hyd_get(in, d->cset, MAX_NAME);
  d->cset[MAX_NAME - 1] = 0;
  d->utf8 = (int)pb_hyd_get_u32(in);
  uint32_t n = pb_hyd_get_u32(in);
  if (in->bad || n == 0 || n > (size_t)(in->state_end - in->state) ||
      d->nohyphenl < 0 || (d->nohyphenl > 0) != (d->nohyphen != NULL)) {
    in->bad = true;
    return;
  }
  d->num_states = (int)n;
  d->states = in->state;
  in->state += n;
  for (uint32_t i = 0; i < n && !in->bad; i++)
    pb_hyd_get_state(in, &d->states[i], (int)n);
}

static size_t pb_hyd_align(size_t n) {
  size_t a = _Alignof(max_align_t);
  return (n + a - 1) / a * a;
}

bool pb_hyphdict_from_record(const void *data, size_t len, pb_hyphdict *d) {
  d->dict = NULL;
  d->block = NULL;
  pb_hyd_in in = {.p = data, .end = (const unsigned char *)data + len};
  char magic[8];
  uint32_t head[5];
  pb_hyd_get(&in, magic, 8);
  pb_hyd_get(&in, head, sizeof head);
  if (in.bad || memcmp(magic, PB_HYD_MAGIC, 8) != 0 || head[0] != PB_HYD_MARKER ||
      head[1] == 0 || head[1] > PB_HYD_MAX_LEVELS)
    return false;
  /* Every state, transition and string byte takes at least one byte of
   * the record: totals past its length are lies. */
  if (head[2] > len || head[3] > len ||
      head[4] > len + (size_t)head[2] * 2 + head[1])
    return false;
  size_t dicts = pb_hyd_align((size_t)head[1] * sizeof(HyphenDict));
  size_t states = pb_hyd_align((size_t)head[2] * sizeof(HyphenState));
  size_t trans = pb_hyd_align((size_t)head[3] * sizeof(HyphenTrans));
  unsigned char *block = calloc(1, dicts + states + trans + head[4] + 1);
  if (!block) return false;
  HyphenDict *levels = (HyphenDict *)block;
  in.state = (HyphenState *)(block + dicts);
  in.state_end = in.state + head[2];
  in.trans = (HyphenTrans *)(block + dicts + states);
  in.trans_end = in.trans + head[3];
  in.chars = (char *)(block + dicts + states + trans);
  in.chars_end = in.chars + head[4];
  for (uint32_t i = 0; i < head[1] && !in.bad; i++) {
    pb_hyd_get_level(&in, &levels[i]);
    levels[i].nextlevel = i + 1 < head[1] ? &levels[i + 1] : NULL;
  }
  /* Whole: every byte read and every array filled exactly. */
  if (in.bad || in.p != in.end || in.state != in.state_end ||
      in.trans != in.trans_end || in.chars != in.chars_end) {
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
