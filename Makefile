# paiban — build, render, test, benchmark.
#   make              install missing Debian packages, build, render manuscripts/*.md into out/
#   make test         build and run every test; ends with "N passed, N failed"
#   make test-asan    the test suite under AddressSanitizer + UBSan
#   make test-tsan    the multi-threaded parts under ThreadSanitizer
#   make valgrind     valgrind memcheck on the essay
#   make bench        benchmark (median wall time, pages/s, peak RSS)
#   make update-golden  regenerate tests/golden/*.expected and
#                       tests/epub/*.expected on purpose

CC      ?= cc
PKGS     = harfbuzz harfbuzz-subset freetype2 fontconfig libunibreak yaml-0.1 libcmark-gfm opencc \
           libzip libxml-2.0 libxxhash libdeflate libpng
CSTD     = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
FONT_DIR = $(CURDIR)/fonts
HYPH_DIR = /usr/share/hyphen
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# OpenCC is loaded with dlopen when an edition converts (src/doc/opencc.c):
# not linked, so that its C++ runtime is not mapped by every process.
# So are libxml2 and libzip when the first EPUB is written
# (src/backend/epub_libs.c): they bring ICU, the C++ runtime and libcrypto.
DLOPEN_PKGS = opencc libxml-2.0 libzip
PKG_LIBS   = $(shell pkg-config --libs $(filter-out $(DLOPEN_PKGS),$(PKGS)) 2>/dev/null)
# soname PKG LIB: the SONAME of libLIB.so in PKG's libdir (what dlopen asks for).
soname = $(shell objdump -p $$(pkg-config --variable=libdir $(1) 2>/dev/null)/lib$(2).so 2>/dev/null | awk '/SONAME/{print $$2}')
OPENCC_SONAME  := $(call soname,opencc,opencc)
LIBXML2_SONAME := $(call soname,libxml-2.0,xml2)
LIBZIP_SONAME  := $(call soname,libzip,zip)
DLOPEN_DEFS := $(foreach v,OPENCC LIBXML2 LIBZIP,$(if $($(v)_SONAME),-DPB_$(v)_SONAME='"$($(v)_SONAME)"'))
# The CLI sees only the public headers (include/) and its own (src/cli/).
PRIVATE_INC = -Isrc
CFLAGS  += $(CSTD) $(WARN) $(OPT) -Iinclude $(PRIVATE_INC) $(PKG_CFLAGS) \
           -DPB_DEFAULT_FONT_DIR='"$(FONT_DIR)"' -DPB_HYPHEN_DIR='"$(HYPH_DIR)"' \
           $(DLOPEN_DEFS)
LDLIBS  += $(PKG_LIBS) -lcmark-gfm-extensions -lhpdf -lhyphen -lm -lpthread

BUILD   ?= build
# The library: one folder per stage (docs/DESIGN.md §1); the CLI apart.
LIB_SRC  = $(sort $(filter-out src/cli/%,$(wildcard src/*.c src/*/*.c)))
CLI_SRC  = $(sort $(wildcard src/cli/*.c))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_OBJ  = $(CLI_SRC:src/cli/%.c=$(BUILD)/obj/cli/%.o)
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HEADERS  = $(wildcard include/paiban/*.h src/*.h src/*/*.h)

MANUSCRIPTS = $(sort $(wildcard manuscripts/*.md))
# Every edition in every profile: out/NAME.pdf (print), out/NAME.ebook.pdf,
# out/NAME.epub.
PDFS        = $(MANUSCRIPTS:manuscripts/%.md=out/%.pdf) \
              $(MANUSCRIPTS:manuscripts/%.md=out/%.ebook.pdf) \
              $(MANUSCRIPTS:manuscripts/%.md=out/%.epub)

PREFIX  ?= /usr/local
DESTDIR ?=

.PHONY: all deps build test test-asan test-tsan valgrind bench update-golden fuzz clean \
        install uninstall
.DELETE_ON_ERROR:

all: deps build $(PDFS)

deps:
	@scripts/deps.sh

build: $(BUILD)/paiban

$(BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(CLI_OBJ): PRIVATE_INC =

$(BUILD)/libpaiban.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/paiban: $(CLI_OBJ) $(BUILD)/libpaiban.a
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libpaiban.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(BUILD)/libpaiban.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libpaiban.a $(LDLIBS)

# The worker pool is the CLI's (src/cli/pool.c): its test links it too.
$(BUILD)/tests/test_pool: tests/unit/test_pool.c tests/unit/check.h $(BUILD)/obj/cli/pool.o $(BUILD)/libpaiban.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/obj/cli/pool.o $(BUILD)/libpaiban.a $(LDLIBS)

# One run renders every edition in all three profiles, in parallel (-j: cores).
# A derived edition (derive-from) depends on its original, so every PDF
# depends on every manuscript.
$(PDFS) &: $(MANUSCRIPTS) $(BUILD)/paiban $(wildcard fonts/*.conf)
	@mkdir -p out
	$(BUILD)/paiban --profile print,ebook,epub -o out/ $(MANUSCRIPTS)

test: deps-test build $(UNIT_BIN)
	@BUILD=$(BUILD) tests/run.sh

deps-test:
	@scripts/deps.sh --test

# The whole suite again with AddressSanitizer + UndefinedBehaviorSanitizer.
# ASan resolves its C++ exception interceptor when it starts: OpenCC (C++,
# loaded later with dlopen) throws, so the sanitizer build links the C++
# runtime from the start.
ASAN_CXX = -Wl,--no-as-needed -lstdc++ -Wl,--as-needed
test-asan: deps-test
	@$(MAKE) --no-print-directory BUILD=build-asan CC=clang \
	  OPT='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	  LDFLAGS='-fsanitize=address,undefined $(ASAN_CXX)' build-asan/paiban $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
	@BUILD=build-asan ASAN_OPTIONS=detect_leaks=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run.sh

# ThreadSanitizer on what runs threads: the paragraph prefill and the
# parallel streams (tests/threads.sh, which renders with 1, 2 and 5
# threads, and the prefill's unit test), and a batch worker's commit
# thread (tests/batch.sh).
test-tsan: deps-test
	@$(MAKE) --no-print-directory BUILD=build-tsan CC=clang OPT='-O1 -g -fsanitize=thread' \
	  LDFLAGS='-fsanitize=thread' build-tsan/paiban build-tsan/tests/test_prefill
	@TSAN_OPTIONS=halt_on_error=1:exitcode=66 build-tsan/tests/test_prefill && \
	  BUILD=build-tsan TSAN_OPTIONS=halt_on_error=1:exitcode=66 sh tests/threads.sh && \
	  BUILD=build-tsan TSAN_OPTIONS=halt_on_error=1:exitcode=66 sh tests/batch.sh

valgrind: build
	@tests/valgrind.sh $(BUILD)/paiban

bench: build
	@scripts/bench.sh $(BUILD)/paiban

update-golden: build
	@BUILD=$(BUILD) tests/golden.sh --update
	@BUILD=$(BUILD) tests/epub.sh --update

# The man page comes from the binary's own option table (as --help does).
$(BUILD)/paiban.1: $(BUILD)/paiban
	@$(BUILD)/paiban --man >$@

# Installs the binary, the font profiles and the man page under PREFIX; the
# binary finds PREFIX/share/paiban/fonts from its own location, so the tree
# may be moved (or packaged with DESTDIR) after installing.
install: build $(BUILD)/paiban.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/paiban/fonts \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/paiban $(DESTDIR)$(PREFIX)/bin/paiban
	install -m 644 fonts/*.conf $(DESTDIR)$(PREFIX)/share/paiban/fonts/
	install -m 644 $(BUILD)/paiban.1 $(DESTDIR)$(PREFIX)/share/man/man1/paiban.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/paiban $(DESTDIR)$(PREFIX)/share/man/man1/paiban.1
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/paiban/fonts/,$(notdir $(wildcard fonts/*.conf)))
	-rmdir $(DESTDIR)$(PREFIX)/share/paiban/fonts $(DESTDIR)$(PREFIX)/share/paiban 2>/dev/null

clean:
	rm -rf build build-asan build-fuzz out

include tests/fuzz/fuzz.mk
