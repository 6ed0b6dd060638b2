# warmer: deterministic harness for the guessing protocol.
# make | make check | make mutants | make memcheck [TRANSCRIPTS=dir/] | make crosscheck | make install | make clean

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
SIM_DIRS     = sim/tx sim/core sim/net sim/check sim/explore sim/cli
CPPFLAGS_ALL = -D_POSIX_C_SOURCE=200809L -Iproto $(addprefix -I,$(SIM_DIRS)) $(CPPFLAGS)
# Asserts stay on in every build (NDEBUG is never defined): explore and the
# fuzz targets run with them. DEBUG=1 adds the costly ones (the scheduler's
# tree against a full scan each step); use its own B=, e.g. B=build-debug.
ifdef DEBUG
CPPFLAGS_ALL += -DWM_DEBUG
endif
PYTHON  ?= python3
HELGRIND = valgrind --quiet --tool=helgrind --error-exitcode=99
# A forked child that only runs and reports (explore's runs in a child)
# leaves holding the parent's heap: its report says nothing of ours.
VALGRIND = valgrind --quiet --leak-check=full --show-leak-kinds=all \
           --errors-for-leak-kinds=all --error-exitcode=99 --child-silent-after-fork=yes
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

B = build
# Quiet by default; make V=1 shows every command.
Q = $(if $(V),,@)
PROTO_SRC = $(wildcard proto/*.c)
SIM_SRC   = $(filter-out sim/cli/main.c,$(wildcard $(addsuffix /*.c,$(SIM_DIRS))))
LIB_OBJ   = $(PROTO_SRC:%.c=$(B)/%.o) $(SIM_SRC:%.c=$(B)/%.o)
TEST_SRC  = $(wildcard tests/test_*.c)
TEST_BIN  = $(TEST_SRC:tests/%.c=$(B)/tests/%)

.PHONY: all layers check mutants memcheck helgrind interop crosscheck bench fuzz install clean FORCE
all: $(B)/warmer

$(B)/%.o: %.c $(wildcard proto/*.h sim/*/*.h)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC    $<")
	$(Q)$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -c $< -o $@

# `warmer --version` names the git revision when built from a checkout; a
# tarball (no .git) builds without git and prints the version alone. The
# revision is kept in $(B)/git-rev, rewritten only when it changes, so that
# main.o is rebuilt then and only then.
GIT_REV := $(shell test -e .git && git describe --always --dirty 2>/dev/null)
$(B)/git-rev: FORCE
	@mkdir -p $(B)
	@echo '$(GIT_REV)' | cmp -s - $@ || echo '$(GIT_REV)' >$@
$(B)/sim/cli/main.o: $(B)/git-rev
$(B)/sim/cli/main.o: CPPFLAGS_ALL += -DWM_GIT_REV='"$(GIT_REV)"'

$(B)/libwarmer.a: $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(B)/warmer: $(B)/sim/cli/main.o $(B)/libwarmer.a
	@$(if $(V),,echo "  LINK  $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -pthread

$(B)/tests/%: tests/%.c $(wildcard tests/*.h) $(B)/libwarmer.a
	@mkdir -p $(dir $@)
	@test -n "$(CHECK_LIBS)" || { echo "Check not found: apt-get install -y check pkg-config" >&2; exit 1; }
	@$(if $(V),,echo "  TEST  $@")
	$(Q)$(CC) $(WARN) $(CPPFLAGS_ALL) -Itests $(CHECK_CFLAGS) $(CFLAGS) -o $@ $< $(B)/libwarmer.a $(CHECK_LIBS) -pthread

# test_evloop_poll compiles sim/core/evloop.c itself, on its poll(2) backend.
$(B)/tests/test_evloop_poll: sim/core/evloop.c

# No include goes up a layer (docs/DESIGN.md, "Layers"), and the check itself works.
layers:
	@sh ci/layers.sh .
	@sh tests/layers.sh

check: $(B)/warmer $(TEST_BIN) layers
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; WARMER=$(B)/warmer $$t; done
	@sh tests/cli.sh $(B)/warmer
	@bash tests/net.sh $(B)/warmer
	@bash tests/serve.sh $(B)/warmer
	@bash tests/interop.sh $(B)/warmer
	@bash tests/explore.sh $(B)/warmer
	@$(MUTANTS_ENV) bash tests/mutants.sh $(B)/warmer
	@bash tests/record.sh $(B)/warmer
	@bash tests/check.sh $(B)/warmer
	@bash tests/load.sh $(B)/warmer
	@echo "== make check: every stage passed (layers, $(words $(TEST_BIN)) Check suites, cli, net, serve, interop, explore, mutants, record, check, load)"

# Planted bugs explore must find, each built in $(B)/mutants/NAME with our
# compiler and flags (about 30 s on 2 cores, so check runs it too).
MUTANTS_ENV = MUTANTS_DIR='$(abspath $(B))/mutants' CC='$(CC)' CFLAGS='$(CFLAGS)' CPPFLAGS='$(CPPFLAGS)' LDFLAGS='$(LDFLAGS)'
mutants: $(B)/warmer
	@$(MUTANTS_ENV) bash tests/mutants.sh $(B)/warmer

memcheck: $(B)/warmer $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== valgrind $$t"; \
	  CK_FORK=no WARMER=$(B)/warmer $(VALGRIND) $$t; done
	@sh tests/cli.sh "$(VALGRIND) $(B)/warmer"
	@set -e; for d in sim threads events; do echo "== valgrind warmer check --driver $$d fixtures"; \
	  $(VALGRIND) $(B)/warmer check --driver $$d fixtures/golden/*.txt fixtures/bad/*.txt \
	    >$(B)/memcheck.out || { cat $(B)/memcheck.out; exit 1; }; tail -n 1 $(B)/memcheck.out; done
	@echo "== valgrind warmer check fixtures/faults (both transports; alloc-fail counts socketpair's allocations)"
	@$(VALGRIND) $(B)/warmer check fixtures/faults/*.txt >$(B)/memcheck.out || { cat $(B)/memcheck.out; exit 1; }
	@tail -n 1 $(B)/memcheck.out
	@$(VALGRIND) $(B)/warmer check --transport memory $(filter-out %/alloc-fail.txt,$(wildcard fixtures/faults/*.txt)) \
	    >$(B)/memcheck.out || { cat $(B)/memcheck.out; exit 1; }; tail -n 1 $(B)/memcheck.out
	@set -e; for f in fixtures/golden/*.txt fixtures/bad/*.txt; do \
	  if grep -q '^# client: script' $$f; then sides=--server; \
	  elif grep -q '^# server: script' $$f; then sides=--client; else sides="--server --client"; fi; \
	  for s in $$sides; do $(VALGRIND) $(B)/warmer replay $$s $$f >/dev/null || \
	    { echo "memcheck: replay $$s $$f failed"; exit 1; }; done; done; echo "== valgrind warmer replay: every fixture clean"
	@bash tests/net.sh --tool "$(VALGRIND)" $(B)/warmer events threads
	@bash tests/serve.sh --tool "$(VALGRIND)" $(B)/warmer
	@bash tests/interop.sh "$(VALGRIND) $(B)/warmer" $(B)/warmer
	@bash tests/check.sh "$(VALGRIND) $(B)/warmer"
	$(if $(TRANSCRIPTS),@echo "== valgrind warmer check $(TRANSCRIPTS)" && $(VALGRIND) $(B)/warmer check $(TRANSCRIPTS))
	@echo "== valgrind warmer explore: a slice of runs, and a replay"
	@$(VALGRIND) $(B)/warmer explore --no-fork --runs 40 -j 2 --seed 3 >$(B)/memcheck.out || { cat $(B)/memcheck.out; exit 1; }
	@$(VALGRIND) $(B)/warmer explore --no-fork --replay fixtures/golden/connections-3.txt >$(B)/memcheck.out || { cat $(B)/memcheck.out; exit 1; }
	@bash tests/record.sh --tool "$(VALGRIND)" $(B)/warmer
	@bash tests/load.sh "$(VALGRIND) $(B)/warmer" $(B)/warmer

helgrind: $(B)/warmer
	@bash tests/net.sh --tool "$(HELGRIND)" $(B)/warmer threads events
	@bash tests/serve.sh --tool "$(HELGRIND)" $(B)/warmer stuck-stdout-threads stuck-both-threads \
	    stuck-stdout-events console-lines-threads

interop: $(B)/warmer
	$(B)/warmer interop --server '$(PYTHON) ci/refmodel.py serve --listen {host}:{port} --seed {seed}' fixtures/
	$(B)/warmer interop --client '$(PYTHON) ci/refmodel.py client --connect {host}:{port} {games}' fixtures/

crosscheck: $(B)/warmer
	$(PYTHON) ci/crosscheck.py --warmer $(B)/warmer

BENCH_BIN = $(addprefix $(B)/bench/,bench_guesses pingpong minserver bare_load)
bench: $(BENCH_BIN) $(B)/warmer
	$(B)/bench/bench_guesses
	sh bench/bench_sim.sh $(B)/warmer $(B)/bench
	bash bench/bench_load.sh $(B)/warmer $(B)/bench

$(B)/bench/%: bench/%.c $(B)/libwarmer.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(WARN) $(CPPFLAGS_ALL) $(CFLAGS) -o $@ $< $(B)/libwarmer.a

# libFuzzer targets (clang and libclang-rt-14-dev); FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 20
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
fuzz:
	@set -e; for t in $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c))); do \
	  mkdir -p $(B)/fuzz/corpus-$$t; \
	  clang $(WARN) $(CPPFLAGS_ALL) -g -O1 $(FUZZ_SAN) -o $(B)/fuzz/$$t tests/fuzz/$$t.c \
	    $(filter-out sim/cli/main.c,$(PROTO_SRC) $(SIM_SRC)) -pthread; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  $(B)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -seed=1 -max_len=4096 \
	    $(B)/fuzz/corpus-$$t fixtures/bad fixtures/golden 2>$(B)/fuzz/$$t.log || \
	    { tail -40 $(B)/fuzz/$$t.log; exit 1; }; tail -n 1 $(B)/fuzz/$$t.log; done

install: $(B)/warmer
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(B)/warmer $(DESTDIR)$(PREFIX)/bin/warmer

clean:
	rm -rf $(B)
