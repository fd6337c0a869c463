# libFuzzer targets (tests/fuzz/): included from the top-level Makefile.
#   make fuzz-build           build build-fuzz/fuzz_parse and build-fuzz/fuzz_render
#   make fuzz                 run each for FUZZ_SECONDS (default 60) on a copy
#                             of the seed corpus; fails if a crash is found
#   make fuzz FUZZ_SECONDS=600 FUZZ_ARGS='-len_control=0'   longer / extra options
# The library is rebuilt with clang and -fsanitize=fuzzer-no-link (coverage
# for libFuzzer) plus ASan and UBSan; the flags, defines and libraries are
# the Makefile's own (CFLAGS, LIB_SRC, HEADERS, LDLIBS).

FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_ARGS    ?=
# Directories whose files seed the fuzzing corpora.  tests/fuzz/regressions
# is left out by default: an input there that still crashes (a known bug not
# yet fixed) would stop every run at once; tests/fuzz/regress.sh checks them.
FUZZ_SEEDS   ?= tests/fuzz/corpus
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
# The Makefile's CFLAGS (standard, warnings, -Iinclude, pkg-config flags,
# PB_DEFAULT_FONT_DIR, PB_HYPHEN_DIR, ...) with its OPT swapped for ours.
FUZZ_CFLAGS   = $(filter-out $(OPT),$(CFLAGS)) -O1 -g $(FUZZ_SAN)
FUZZ_LIB_OBJ  = $(LIB_SRC:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_TARGETS  = parse render
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

.PHONY: fuzz-build fuzz

fuzz-build: $(FUZZ_BINS) $(FUZZ_BUILD)/docs/.stamp

# fuzz_render names its input $(FUZZ_BUILD)/docs/fuzz.md: beside it the seed
# files (for derive-from) and the test images (for ![x](card.png)).
$(FUZZ_BUILD)/docs/.stamp: $(wildcard tests/fuzz/corpus/*) tests/images/card.png tests/images/card.jpg
	@mkdir -p $(dir $@)
	@cp $^ $(dir $@)
	@touch $@

$(FUZZ_BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC (fuzz) $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/libpaiban.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libpaiban.a $(HEADERS)
	@echo "  LD $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer \
	  -DPB_FUZZ_DOC_DIR='"$(CURDIR)/$(FUZZ_BUILD)/docs"' -o $@ $< \
	  $(FUZZ_BUILD)/libpaiban.a $(LDLIBS) $(ASAN_CXX)

# Each target runs on its own growing corpus (seeded from FUZZ_SEEDS);
# crash-*, leak-*, timeout-* and oom-* files land in
# build-fuzz/artifacts-NAME/.  libFuzzer exits non-zero on a finding, which
# stops make.
# libFuzzer takes one dictionary: Markdown/YAML syntax plus tricky UTF-8.
$(FUZZ_BUILD)/fuzz.dict: tests/fuzz/markdown.dict tests/fuzz/unicode.dict
	@mkdir -p $(dir $@)
	@cat $^ >$@

fuzz: fuzz-build $(FUZZ_BUILD)/fuzz.dict
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus-$$t $(FUZZ_BUILD)/artifacts-$$t; \
	  for d in $(FUZZ_SEEDS); do cp "$$d"/* $(FUZZ_BUILD)/corpus-$$t/ 2>/dev/null || true; done; \
	  echo "  FUZZ $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	    -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
	    -dict=$(FUZZ_BUILD)/fuzz.dict \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts-$$t/ $(FUZZ_ARGS) \
	    $(FUZZ_BUILD)/corpus-$$t; \
	done
