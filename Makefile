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

PKGS    := sqlite3 libcmark-gfm yaml-0.1 libutf8proc libmicrohttpd libcjson
WARN    := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
           -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
CFLAGS  ?= -std=c11 -O2 -g
ALL_CFLAGS = $(CFLAGS) $(WARN) $(SANFLAGS) -D_DEFAULT_SOURCE -D_GNU_SOURCE -Iinclude -MMD -MP \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lpthread -lm
TESTLIBS := -lcmocka $(shell pkg-config --libs libcurl 2>/dev/null)

LIB_SRC   := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(O)/%.o)
LIB       := $(O)/libkb.a
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(O)/tests/%)
PROGS     := $(BIN)/kb-index $(BIN)/kb-serve $(BIN)/kb-search

.PHONY: all deps run test tests install clean check-kb
all: deps $(PROGS)

# Installs the Debian packages that are missing (see .ci/deps.sh); a no-op
# when everything is there.
deps:
	@sh .ci/deps.sh build

# V=1 shows the full command lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(AR) rcs $@ $^

$(BIN)/kb-index: $(O)/indexer/main.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/kb-search: $(O)/indexer/search.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/kb-serve: $(O)/src/main.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%: $(O)/tests/%.o $(O)/tests/harness.o $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) $(TESTLIBS)

tests: $(TEST_BIN)

# --- Running ---------------------------------------------------------------
INDEX  ?= build/kb.sqlite
LISTEN ?= 127.0.0.1:8080

run: all
	$(BIN)/kb-index kb -o $(INDEX)
	$(BIN)/kb-serve --index $(INDEX) --listen $(LISTEN)

check-kb: all
	$(BIN)/kb-index --check kb

# The whole suite: builds the plain and the sanitizer variants and runs every
# suite against each; tests/run.sh prints the "N passed, N failed" summary.
test:
	@sh .ci/deps.sh test
	@$(MAKE) --no-print-directory all tests
	@$(MAKE) --no-print-directory SAN=1 all tests
	@sh tests/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
.SECONDARY:
