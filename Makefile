# kb: a knowledge-base search server for social customer care.
#
#   make            build bin/kb-index, bin/kb-serve and bin/kb-search
#   make run        install what is missing, build, index kb/, serve on 127.0.0.1:8080
#   make test       the whole suite: unit and HTTP tests, plain and under ASan+UBSan
#   make install    PREFIX=/usr/local DESTDIR= as usual
#
# Sources: src/ holds the shared library (libkb: text analysis, article
# parsing, index schema, search, replies) and the server; indexer/ holds the
# command-line tools; tests/ the suites.  Object files go to $(O), programs to
# $(BIN).  SAN=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DESTDIR ?=
CC      ?= cc
SAN     ?=
ifeq ($(SAN),1)
O       ?= build/san
BIN     ?= build/san/bin
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
O       ?= build/release
BIN     ?= bin
SANFLAGS =
endif

# Three rooms, each its own archive, each with the libraries it may use
# (docs/architecture.md). `make test` checks with nm and ldd that no room
# reaches a library that is not its own (tests/layers.sh).
#   core    src/core/    analysis, the index reader, ranking, replies,
#                        feedback evidence, reports: SQLite, utf8proc, Snowball
#   indexer indexer/     front matter, Markdown, synonyms, the index writer:
#                        core + cmark-gfm, libyaml
#   server  src/server/  HTTP, the JSON API, pages, events: core + libmicrohttpd, cJSON
# Public headers (the core's) are in include/; each other room's headers are
# its own, next to its sources.
CORE_PKGS := sqlite3 libutf8proc
IDX_PKGS  := libcmark-gfm yaml-0.1
SRV_PKGS  := libmicrohttpd libcjson zlib libpq
WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
           -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -std=c11 -O2 -g
BASE_CFLAGS = $(CFLAGS) $(WARN) $(SANFLAGS) -D_DEFAULT_SOURCE -D_GNU_SOURCE -Iinclude -MMD -MP
CORE_LIBS := $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null) -lstemmer -lpthread -lm
IDX_LIBS  := $(shell pkg-config --libs $(IDX_PKGS) 2>/dev/null)
SRV_LIBS  := $(shell pkg-config --libs $(SRV_PKGS) 2>/dev/null)
IDX_CFLAGS := -Iindexer $(shell pkg-config --cflags $(IDX_PKGS) 2>/dev/null)
SRV_CFLAGS := -Isrc/server $(shell pkg-config --cflags $(SRV_PKGS) 2>/dev/null)
# Tests and benchmarks reach into every room.
ALL_CFLAGS = $(BASE_CFLAGS) $(IDX_CFLAGS) $(SRV_CFLAGS)
TESTLIBS := -lcmocka $(shell pkg-config --libs libcurl 2>/dev/null) $(SRV_LIBS) $(IDX_LIBS)
LDLIBS   := $(CORE_LIBS)

CORE_SRC  := $(wildcard src/core/*.c)
IDX_SRC   := $(filter-out indexer/main.c,$(wildcard indexer/*.c))
SRV_SRC   := $(filter-out src/server/main.c,$(wildcard src/server/*.c))
CORE_LIB  := $(O)/libkbcore.a
IDX_LIB   := $(O)/libkbindex.a
SRV_LIB   := $(O)/libkbserver.a
LIB       := $(SRV_LIB) $(IDX_LIB) $(CORE_LIB)
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(O)/tests/%)
PROGS     := $(BIN)/kb-index $(BIN)/kb-serve $(BIN)/kb-search $(BIN)/kb-report

.PHONY: all build deps run run-kb test tests install clean check-kb eval bench fuzz valgrind soak test-cluster langid
# `make` installs what is missing first (.ci/deps.sh; a no-op when everything
# is there), then builds in a second make: the library flags above come from
# pkg-config when make reads this file, so they must be read after the
# install, and the install must finish before anything compiles (make -j).
all:
	@sh .ci/deps.sh build
	@$(MAKE) --no-print-directory build

build: $(PROGS)

# `make -j2 all tests`: `all` builds in a second make; the first would
# otherwise build the same objects and libraries beside it at once (each
# library rule removes and rewrites its archive) and a link could read a
# half-written one. So when `all` comes with other goals, this make runs
# them one after another (`all` first, its second make still in parallel).
ifeq ($(MAKELEVEL),0)
ifneq ($(filter-out all,$(MAKECMDGOALS)),)
ifneq ($(filter all,$(MAKECMDGOALS)),)
.NOTPARALLEL:
endif
endif
endif

deps:
	@sh .ci/deps.sh build

# V=1 shows the full command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Each room compiles with its own include path: the core sees only
# include/, so it cannot reach a header of the indexer or the server.
$(O)/src/core/%.o: src/core/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(BASE_CFLAGS) -c $< -o $@

$(O)/src/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(BASE_CFLAGS) -c $< -o $@

$(O)/indexer/%.o: indexer/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(IDX_CFLAGS) -c $< -o $@

$(O)/src/server/%.o: src/server/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(SRV_CFLAGS) -c $< -o $@

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_SRC:%.c=$(O)/%.o)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(IDX_LIB): $(IDX_SRC:%.c=$(O)/%.o)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(SRV_LIB): $(SRV_SRC:%.c=$(O)/%.o)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN)/kb-index: $(O)/indexer/main.o $(IDX_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -o $@ $^ $(IDX_LIBS) $(CORE_LIBS)

$(BIN)/kb-search: $(O)/src/cli/search.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -o $@ $^ $(CORE_LIBS)

$(BIN)/kb-report: $(O)/src/cli/report.o $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -o $@ $^ $(CORE_LIBS)

$(BIN)/kb-serve: $(O)/src/server/main.o $(SRV_LIB) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -o $@ $^ $(SRV_LIBS) $(CORE_LIBS)

$(BIN)/kb-eval: $(O)/tests/eval/kb_eval.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(SRV_LIBS) $(IDX_LIBS) $(LDLIBS)

$(O)/tests/%: $(O)/tests/%.o $(O)/tests/harness.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(TESTLIBS) $(LDLIBS)

# The language suites share one server and the mention checks
# (tests/lang_helpers.c): the general one and one per language.
LANG_TESTS := $(O)/tests/test_lang $(addprefix $(O)/tests/test_lang_,fr de es en)
$(LANG_TESTS): $(O)/tests/lang_helpers.o

tests: $(TEST_BIN) $(BIN)/kb-eval

# --- Running ---------------------------------------------------------------
INDEX  ?= build/kb.sqlite
LISTEN ?= 127.0.0.1:8080

run: all
	$(BIN)/kb-index kb -o $(INDEX)
	$(BIN)/kb-serve --index $(INDEX) --listen $(LISTEN)

# The knowledge team's mode: kb-serve --kb starts kb-index --watch, which
# rebuilds kb/ on every saved change; the server swaps each good build in
# and shows the problems of a failed one (docs/authoring.md).
run-kb: all
	@mkdir -p build/kbdata
	$(BIN)/kb-serve --kb kb --data build/kbdata --listen $(LISTEN)

check-kb: all
	$(BIN)/kb-index --check kb

# Relevance figures (docs/relevance.md): ours beside the FTS5 baseline on
# the labelled sets in ../shared/eval and our own sets in tests/eval (public
# search queries, and tweets written for abstention and ranking; those tweets
# are example mentions too, kb/lang/en/examples.tsv: each is scored without
# its own, kb-eval --leave-own-example-out).
SHARED ?= ../shared
eval: all
	@$(MAKE) --no-print-directory $(BIN)/kb-eval
	@$(BIN)/kb-index -q kb -o build/kb.sqlite
	@$(BIN)/kb-eval build/kb.sqlite tests/eval/public-queries.tsv --public
	@$(BIN)/kb-eval build/kb.sqlite tests/eval/tweets-own.tsv --leave-own-example-out
	@if [ -d $(SHARED)/eval ]; then \
	  $(BIN)/kb-eval build/kb.sqlite $(SHARED)/eval/cpw-dev.tsv && \
	  $(BIN)/kb-index -q $(SHARED)/eval/cdp/kb -o build/eval-cdp.sqlite && \
	  $(BIN)/kb-eval build/eval-cdp.sqlite $(SHARED)/eval/cdp/dev.jsonl --feedback-cv 5; \
	else echo "eval: $(SHARED)/eval is missing: only our own sets were run (SHARED=DIR to point elsewhere)"; fi

# Language detectors compared on the labelled tweets (docs/languages.md):
# kb_mention's against CLD2 and libexttextcat, which only this measurement
# uses (apt-get install libcld2-dev libexttextcat-dev; not in .ci/deps.sh).
langid: all
	@mkdir -p $(O)/tests/eval
	$(Q)g++ -O2 -c -o $(O)/tests/eval/cld2_shim.o tests/eval/langid/cld2_shim.cc
	$(Q)$(CC) $(BASE_CFLAGS) $$(pkg-config --cflags libexttextcat) -o $(BIN)/langid tests/eval/langid/langid.c \
	  $(O)/tests/eval/cld2_shim.o $(CORE_LIB) -lcld2 $$(pkg-config --libs libexttextcat) $(CORE_LIBS) -lstdc++
	@$(BIN)/kb-index -q kb -o build/kb.sqlite
	@$(BIN)/langid build/kb.sqlite fr=tests/eval/intl/tweets-fr.tsv de=tests/eval/intl/tweets-de.tsv \
	  es=tests/eval/intl/tweets-es.tsv en=tests/eval/tweets-own.tsv en=tests/eval/blind/tweets-blind.tsv \
	  $$([ -f $(SHARED)/eval/cpw-dev.tsv ] && echo en=$(SHARED)/eval/cpw-dev.tsv)

# The whole suite: builds the plain and the sanitizer variants and runs every
# suite against each; tests/run.sh prints the "N passed, N failed" summary.
test:
	@sh .ci/deps.sh test
	@$(MAKE) --no-print-directory build tests
	@$(MAKE) --no-print-directory SAN=1 build tests
	@sh tests/run.sh

# Three replicas behind nginx on a PostgreSQL cluster the script starts in
# a temporary directory (tests/cluster/run.sh, TAP); make test runs it too.
test-cluster:
	@sh .ci/deps.sh test
	@$(MAKE) --no-print-directory build
	@sh tests/cluster/run.sh bin

# libFuzzer targets (tests/fuzz), each for FUZZ_SECONDS; fails on any crash,
# leak or timeout. make test runs them for a few seconds each.
FUZZ_SECONDS ?= 60
fuzz:
	@sh .ci/deps.sh test
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

# Mixed traffic for SOAK_SECONDS (default 600) with reloads every 30 s,
# and the hostile traffic of tests/soak/hostile.c beside it: zero 5xx,
# zero socket errors, every hostile request answered, memory flat
# (tests/soak/run.sh).
SOAK_SECONDS ?= 600
$(O)/soak/hostile: tests/soak/hostile.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< -lpthread

soak: all $(O)/soak/hostile
	@sh .ci/deps.sh bench
	@SOAK_SECONDS=$(SOAK_SECONDS) HOSTILE=$(O)/soak/hostile sh tests/soak/run.sh

# The C suites under valgrind's memcheck: the test programs and every
# server they start; fails on memory errors and definite or indirect leaks.
VALGRIND = valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
           --errors-for-leak-kinds=definite,indirect --error-exitcode=99
VALGRIND_SUITES ?= test_text test_tweet test_index test_server test_feedback test_pages test_reports
valgrind: all
	@$(MAKE) --no-print-directory tests
	@command -v valgrind >/dev/null || { echo "valgrind: apt-get install valgrind"; exit 1; }
	@fail=0; for t in $(VALGRIND_SUITES); do \
	  KB_SERVE_WRAPPER="$(VALGRIND)" CMOCKA_MESSAGE_OUTPUT=TAP $(VALGRIND) $(O)/tests/$$t \
	    > build/valgrind-$$t.log 2>&1 && echo "ok   valgrind/$$t" || \
	    { echo "FAIL valgrind/$$t - build/valgrind-$$t.log"; fail=1; }; \
	done; exit $$fail

# The shipped word lists go to PREFIX/share/kb/lang: kb-index falls back to
# them for a language a knowledge base has no kb/lang/<code>/ for.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PREFIX)/share/kb/lang
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	cp -R kb/lang/. $(DESTDIR)$(PREFIX)/share/kb/lang/

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:

# === bench ===================================================================
# make bench: the speed figures (docs/benchmarks.md). Installs wrk and
# nginx-light if missing, builds with optimisation, then tests/bench/run.sh
# times kb_index_search() in process (bench_suggest), times kb-index, loads
# the product's own workload on kb/ with wrk first (/healthz, suggest with
# the retailer tweets, the public search API, page and search-as-you-type
# fragment, article pages), then suggest on the cdp collection and, as the
# HTTP floor, nginx serving a static body of the same size;
# then the growth benchmark (tests/bench/growth.sh) on synthetic knowledge
# bases of BENCH_GROWTH articles (BENCH_GROWTH= skips it).
# Everything it writes goes to $(BENCH_DIR); it only listens on 127.0.0.1.
BENCH_DIR      ?= build/bench
BENCH_SHARED   ?= ../shared
BENCH_ROUNDS   ?= 20
BENCH_WARMUP   ?= 2
BENCH_WRK_THREADS ?= 2
BENCH_WRK_CONNS   ?= 32
BENCH_WRK_TIME    ?= 10s
BENCH_STATIC_BYTES ?= 1400
BENCH_GROWTH   ?= 1000 10000 100000
BENCH_GROWTH_WRK_TIME ?= 5s
BENCH_GROWTH_CONNS ?= 2
BENCH_LEARN    ?= 10000 100000 1000000
BENCH_PROG     := $(O)/bench/bench_suggest

$(O)/bench/bench_suggest.o: tests/bench/bench_suggest.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BENCH_PROG): $(O)/bench/bench_suggest.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(SRV_LIBS) $(IDX_LIBS) $(LDLIBS)

BENCH_GEN := $(O)/bench/gen_kb
$(BENCH_GEN): tests/bench/gen_kb.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -lm

bench:
	@sh .ci/deps.sh bench
	@$(MAKE) --no-print-directory build $(BENCH_PROG) $(BENCH_GEN)
	@BENCH_PROG=$(BENCH_PROG) BENCH_BIN=$(BIN) BENCH_DIR=$(BENCH_DIR) \
	 BENCH_SHARED=$(BENCH_SHARED) BENCH_ROUNDS=$(BENCH_ROUNDS) \
	 BENCH_WARMUP=$(BENCH_WARMUP) BENCH_WRK_THREADS=$(BENCH_WRK_THREADS) \
	 BENCH_WRK_CONNS=$(BENCH_WRK_CONNS) BENCH_WRK_TIME=$(BENCH_WRK_TIME) \
	 BENCH_STATIC_BYTES=$(BENCH_STATIC_BYTES) sh tests/bench/run.sh
	@BENCH_PROG=$(BENCH_PROG) BENCH_GEN=$(BENCH_GEN) BENCH_BIN=$(BIN) \
	 BENCH_DIR=$(BENCH_DIR) BENCH_SHARED=$(BENCH_SHARED) BENCH_GROWTH="$(BENCH_GROWTH)" \
	 BENCH_WRK_THREADS=$(BENCH_WRK_THREADS) BENCH_GROWTH_CONNS=$(BENCH_GROWTH_CONNS) \
	 BENCH_WRK_TIME=$(BENCH_GROWTH_WRK_TIME) sh tests/bench/growth.sh
	@BENCH_PROG=$(BENCH_PROG) BENCH_BIN=$(BIN) BENCH_DIR=$(BENCH_DIR) \
	 BENCH_SHARED=$(BENCH_SHARED) BENCH_LEARN="$(BENCH_LEARN)" sh tests/bench/store.sh
# === end of bench ============================================================
