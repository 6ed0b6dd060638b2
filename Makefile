# warmer: deterministic harness for the guessing protocol.
# make | make check | make check-c | make check-html | make mutants | make mutation-score | make memcheck [TRANSCRIPTS=dir/] | make crosscheck
# make install [PREFIX=/usr/local DESTDIR=] | make uninstall | make static | make clean

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
CFLAGS  ?= -O2 -g
# Debian 12's Valgrind (3.19) cannot read the DWARF 5 that clang 14 writes by
# default ("unhandled dwarf2 abbrev form code 0x25", then it gives up), so a
# clang build with debug info writes DWARF 4, unless CFLAGS names a version.
# (gcc 12's DWARF 5 it reads.) tests/install.sh runs valgrind on the binary.
CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo 1)
ifeq ($(CC_IS_CLANG)$(if $(filter -g%,$(CFLAGS)),g)$(filter -gdwarf%,$(CFLAGS)),1g)
override CFLAGS += -gdwarf-4
endif
WARN     = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
SIM_LAYERS   = sim/tx sim/core sim/net sim/check sim/explore sim/cli
# A layer may group its files in subfolders (sim/explore/oracle/, ...): each
# folder holding sources is built and searched for headers.
SIM_DIRS     = $(foreach l,$(SIM_LAYERS),$(l) $(patsubst %/,%,$(sort $(dir $(wildcard $(l)/*/*.[ch])))))
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

.PHONY: all layers check check-c check-html mutants mutation-score memcheck helgrind interop crosscheck bench bench-explore fuzz install uninstall static \
        clean FORCE
all: $(B)/warmer

$(B)/%.o: %.c $(wildcard proto/*.h sim/*/*.h sim/*/*/*.h)
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

# test_evloop_poll compiles sim/core/drivers/evloop.c itself, on its poll(2) backend.
$(B)/tests/test_evloop_poll: sim/core/drivers/evloop.c
# test_gset_tight compiles proto/gset.c itself, with narrow slots' distance cut short.
$(B)/tests/test_gset_tight: proto/gset.c

# No include goes up a layer (docs/DESIGN.md, "Layers"), and the check itself works.
layers:
	@sh ci/layers.sh .
	@bash tests/layers.sh

# The compiler-facing part of check (a second compiler's build: CI's clang
# stage): every Check suite, the command line and the drivers' network cases.
check-c: $(B)/warmer $(TEST_BIN) layers
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; WARMER=$(B)/warmer $$t; done
	@bash tests/cli.sh $(B)/warmer
	@bash tests/net.sh $(B)/warmer
	@echo "== make check-c: every stage passed (layers, $(words $(TEST_BIN)) Check suites, cli, net)"

check: $(B)/warmer $(TEST_BIN) layers
	@$(PYTHON) tests/yaml_ok.py
	@$(PYTHON) tests/gen_book_vectors.py --check fixtures/book/vectors.txt
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; WARMER=$(B)/warmer $$t; done
	@bash tests/cli.sh $(B)/warmer
	@bash tests/net.sh $(B)/warmer
	@bash tests/serve.sh $(B)/warmer
	@bash tests/interop.sh $(B)/warmer
	@bash tests/explore.sh $(B)/warmer
	@bash tests/explore_live.sh $(B)/warmer
	@$(MUTANTS_ENV) bash tests/mutants.sh $(B)/warmer
	@$(MUTANTS_ENV) bash tests/bench.sh $(B)/warmer
	@bash tests/record.sh $(B)/warmer
	@bash tests/check.sh $(B)/warmer
	@bash tests/html.sh $(B)/warmer
	@bash tests/load.sh $(B)/warmer
	@bash tests/install.sh $(B)/warmer
	@echo "== make check: every stage passed (layers, yaml, $(words $(TEST_BIN)) Check suites, cli, net, serve, interop, explore, explore_live, mutants, bench, record, check, html, load, install)"

# The HTML report in headless Chromium (ci/deps.sh installs it with
# WITH_CHROMIUM=1): the rendered DOM checked, a screenshot kept as
# $(B)/report.png (docs/report.png is a copy: make check-html, then cp).
check-html: $(B)/warmer
	@bash tests/html_browser.sh $(B)/warmer $(B)

# Planted bugs explore must find, each built in $(B)/mutants/NAME with our
# compiler and flags (about 30 s on 2 cores, so check runs it too).
MUTANTS_ENV = MUTANTS_DIR='$(abspath $(B))/mutants' CC='$(CC)' CFLAGS='$(CFLAGS)' CPPFLAGS='$(CPPFLAGS)' LDFLAGS='$(LDFLAGS)'
mutants: $(B)/warmer
	@$(MUTANTS_ENV) bash tests/mutants.sh $(B)/warmer

# The mutation score of explore alone over proto/*.c (ci/mutate.py): a
# uniform seeded sample of classic mutants, each explored with --runs 3000
# --seed 1. Long (about a minute a mutant): -j and resumable (B/mutation).
MUTATION_N    ?= 90
MUTATION_SEED ?= 1
MUTATION_J    ?= 2
mutation-score:
	$(PYTHON) ci/mutate.py -n $(MUTATION_N) --seed $(MUTATION_SEED) -j $(MUTATION_J) \
	    --state $(B)/mutation --cc '$(CC)' --cflags '$(WARN) $(CPPFLAGS_ALL) $(CFLAGS)' \
	    --ldflags '$(CFLAGS) $(LDFLAGS)' $(MUTATION_ARGS)

# ---- make memcheck ----------------------------------------------------------
# Every stage below is independent: the memcheck target runs them with a make
# -j of its own (MEMCHECK_JOBS at a time, the longest first; under `make -jN
# memcheck`, in those N slots), each writing to $(B)/memcheck/STAGE.log,
# printed only if the stage fails. Any error or leak (--errors-for-leak-kinds
# =all, --error-exitcode=99) fails its stage, and any failed stage fails the
# target once the others are done. One stage alone: make memcheck-cli-ports.
#
# What make memcheck leaves out, each a repetition under valgrind that adds
# no coverage (docs/DESIGN.md, "make memcheck"):
# - `warmer replay` of every fixture, a valgrind each (103 processes, 65 s of
#   CPU): replay is check's wm_check_file with a side scripted, run under
#   valgrind for every golden and bad fixture, both sides, every driver and
#   transport, by test_drivers' test_fixtures_identical_under_every_driver,
#   and at the command line by tests/cli.sh;
# - the cases listed in tests/memcheck.skip (which says how they were
#   measured), and in tests/cli.sh those it leaves out under a wrapper.
#
# --read-inline-info=no: 8% less CPU for a short run (most of which is
# valgrind reading warmer's and libc's debug info); errors and leaks are
# found as before, their stacks lack inlined frames. Measured and not taken
# (no gain beyond the noise): --num-callers=4 (12 is already the default),
# --fair-sched=yes, --vex-iropt-register-updates=sp-at-mem-access, --vgdb=no.
MC_VALGRIND = $(VALGRIND) --read-inline-info=no
MC_W = $(MC_VALGRIND) $(B)/warmer
# The binary for peers, and for the children of a checked process, which
# valgrind does not follow (a coverage run points it at a plain build).
MC_PEER = $(B)/warmer
# (REC_PROP_CASES: test_rec_conn's property cases, 2000 in make check)
MC_CK = CK_FORK=no REC_PROP_CASES=200 WARMER=$(MC_PEER) $(MC_VALGRIND)
MEMCHECK_JOBS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

# tests/memcheck.skip: SUITE CASE lines.
mc_skip = $(shell awk '$$1 == "$(1)" { print $$2 }' tests/memcheck.skip)
mc_tests = $(shell sed -n 's/^START_TEST(\([a-z0-9_]*\))$$/\1/p' tests/$(1).c)
mc_cases = $(shell sed -n 's/^case_\([a-z0-9_]*\)().*/\1/p' tests/$(1).sh)
# A suite with no case listed is one valgrind; with some, one per case left.
MC_ALL_SUITES := $(TEST_SRC:tests/%.c=%)
MC_SUITES := $(foreach t,$(MC_ALL_SUITES),$(if $(filter *,$(call mc_skip,$(t))),,$(t)))
MC_WHOLE  := $(foreach t,$(MC_SUITES),$(if $(call mc_skip,$(t)),,$(t)))
MC_SPLIT  := $(filter-out $(MC_WHOLE),$(MC_SUITES))
MC_SUITE  := $(addprefix memcheck-suite-,$(MC_WHOLE))
MC_CASE   := $(foreach t,$(MC_SPLIT),$(addprefix memcheck-suite-$(t).,$(filter-out \
              $(call mc_skip,$(t)),$(call mc_tests,$(t)))))
MC_CLI     := $(addprefix memcheck-cli-,$(shell sed -n 's/^part \([a-z]*\)$$/\1/p' tests/cli.sh))
MC_INTEROP := $(addprefix memcheck-interop-,$(filter-out $(call mc_skip,interop),$(call mc_cases,interop)))
MC_CHECKSH := $(addprefix memcheck-checksh-,$(filter-out $(call mc_skip,check),$(call mc_cases,check)))
MC_LOAD    := $(addprefix memcheck-load-,$(filter-out $(call mc_skip,load),$(call mc_cases,load)))
MC_OTHER   := memcheck-serve-events memcheck-serve-threads memcheck-record memcheck-net-events \
             memcheck-net-threads memcheck-explore memcheck-explore-live memcheck-check-fixtures memcheck-check-faults \
             memcheck-skiplist memcheck-html $(if $(TRANSCRIPTS),memcheck-transcripts)
# The longest first (measured), so that the last to start are short ones.
MC_FIRST   := memcheck-suite-test_diff.test_matches_gnu_diff \
             memcheck-suite-test_diff.test_large_unrelated_falls_back \
             memcheck-suite-test_drivers.test_full_range_and_long_games \
             memcheck-interop-client_refmodel memcheck-record memcheck-serve-events \
             memcheck-serve-threads
MC_STAGES  := $(filter $(MC_FIRST),$(MC_CASE) $(MC_OTHER) $(MC_INTEROP)) \
             $(filter-out $(MC_FIRST),$(MC_CLI) $(MC_CASE) $(MC_LOAD) $(MC_CHECKSH) \
             $(MC_INTEROP) $(MC_OTHER) $(MC_SUITE))
.PHONY: memcheck-stages $(MC_STAGES)
$(MC_STAGES): | $(B)/warmer $(TEST_BIN)

memcheck: $(B)/warmer $(TEST_BIN)
	@rm -rf $(B)/memcheck && mkdir -p $(B)/memcheck
	@echo "== make memcheck: $(words $(MC_STAGES)) stages under valgrind at once (logs in $(B)/memcheck/)"
	@t0=$$(date +%s); \
	$(MAKE) --no-print-directory -k -Otarget $(if $(filter -j%,$(MAKEFLAGS)),,-j$(MEMCHECK_JOBS)) \
	    memcheck-stages; rc=$$?; t=$$(( $$(date +%s) - t0 )); times >$(B)/memcheck/times; \
	cpu=$$($(MC_CPU) $(B)/memcheck/times); \
	if [ $$rc -ne 0 ]; then \
	    echo "== make memcheck: FAILED in $$t s: $$(cd $(B)/memcheck && ls *.failed | sed 's/\.failed$$//' | tr '\n' ' ')(their logs are above, and in $(B)/memcheck/)"; \
	    exit 1; fi; \
	echo "== make memcheck: every stage clean in $$t s ($$cpu s of CPU)"

memcheck-stages: $(MC_STAGES)

# MC_RUN COMMANDS MC_END: the stage's commands in a subshell, their output to
# its log; one line if they pass, the log if they fail.
# MC_CPU FILE: the CPU seconds (user + sys) of a shell's children, from what
# `times` wrote to FILE (not through a pipe: a subshell's children are none).
MC_CPU  = awk 'NR == 2 { split($$1, u, /[ms]/); split($$2, s, /[ms]/); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
MC_NAME = $(@:memcheck-%=%)
MC_LOG  = $(B)/memcheck/$(MC_NAME).log
MC_RUN  = @mkdir -p $(B)/memcheck; t0=$$(date +%s); if (
MC_END  = ) >$(MC_LOG) 2>&1 </dev/null; then \
	    times >$(MC_LOG:.log=.times); \
	    echo "  ok    $(MC_NAME) ($$(( $$(date +%s) - t0 )) s, $$($(MC_CPU) $(MC_LOG:.log=.times)) s of CPU)"; \
	else echo "== FAIL  memcheck stage $(MC_NAME) ($$(( $$(date +%s) - t0 )) s), $(MC_LOG):"; \
	    cat $(MC_LOG); touch $(B)/memcheck/$(MC_NAME).failed; exit 1; fi

$(MC_SUITE): memcheck-suite-%:
	$(MC_RUN) $(MC_CK) $(B)/tests/$* $(MC_END)
# One case (Check 0.15 picks one with CK_RUN_CASE and leaves out none): each
# a START_TEST named as its TCase (tests/testutil.h), so one test must run.
$(MC_CASE): memcheck-suite-%:
	$(MC_RUN) out=$$(CK_RUN_CASE=$(word 2,$(subst ., ,$*)) $(MC_CK) $(B)/tests/$(word 1,$(subst ., ,$*)) 2>&1); \
	  rc=$$?; echo "$$out"; [ $$rc -eq 0 ] && echo "$$out" | grep -q '^100%: Checks: 1, ' $(MC_END)
# Every line of tests/memcheck.skip names a case that exists (cli's are
# made by its loops: the cases it leaves out are counted in its summary).
memcheck-skiplist:
	$(MC_RUN) set -e; awk '!/^#/ && NF' tests/memcheck.skip | while read -r suite c; do \
	  case $$suite in cli) continue ;; interop | check | load) \
	    grep -q "^case_$$c()" tests/$$suite.sh ;; *) [ "$$c" = '*' ] || \
	    grep -q "^START_TEST($$c)$$" tests/$$suite.c ;; esac || \
	  { echo "tests/memcheck.skip: no case $$c in $$suite"; exit 1; }; done $(MC_END)

$(MC_CLI): memcheck-cli-%:
	$(MC_RUN) ONLY=$* SKIP_CASES="$(call mc_skip,cli)" bash tests/cli.sh "$(MC_W)" $(MC_END)
$(MC_INTEROP): memcheck-interop-%:
	$(MC_RUN) ONLY=$* bash tests/interop.sh "$(MC_W)" $(MC_PEER) $(MC_END)
$(MC_CHECKSH): memcheck-checksh-%:
	$(MC_RUN) ONLY=$* bash tests/check.sh "$(MC_W)" $(MC_END)
$(MC_LOAD): memcheck-load-%:
	$(MC_RUN) ONLY=$* bash tests/load.sh "$(MC_W)" $(MC_PEER) $(MC_END)
memcheck-serve-events memcheck-serve-threads: memcheck-serve-%:
	$(MC_RUN) ONLY="$(addsuffix -$*,stuck-stdout stuck-both budget console-lines profile-book)" \
	    bash tests/serve.sh --tool "$(MC_VALGRIND)" $(B)/warmer $(MC_END)
memcheck-net-events memcheck-net-threads: memcheck-net-%:
	$(MC_RUN) bash tests/net.sh --tool "$(MC_VALGRIND)" $(B)/warmer $* $(MC_END)
memcheck-record:
	$(MC_RUN) bash tests/record.sh --tool "$(MC_VALGRIND)" $(B)/warmer $(MC_END)
# The HTML pages of check, interop, explore and report (tests/html.sh).
memcheck-html:
	$(MC_RUN) bash tests/html.sh "$(MC_W)" $(MC_PEER) $(MC_END)
# --keep-going: hangs of one signature past --max-steps (exit 1: findings),
# the first shrunk, the others told in short and counted.
memcheck-explore:
	$(MC_RUN) set -e; $(MC_W) explore --no-fork --runs 40 -j 2 --seed 3; \
	  $(MC_W) explore --no-fork --replay fixtures/golden/connections-3.txt; \
	  rc=0; $(MC_W) explore --no-fork --runs 6 -j 2 --seed 4 --max-steps 50 --faults none \
	    --keep-going --max-findings 1 --json $(B)/memcheck/keep-going.json \
	    --out $(B)/memcheck/keep-going || rc=$$?; test $$rc -eq 1 $(MC_END)
# --server/--client: a fresh peer per run (explore_proc.c), explore under the
# tool, the peers not: runs that hold, and one finding (a server's bad exit)
# shrunk, re-run and reported.
memcheck-explore-live:
	$(MC_RUN) set -e; $(MC_W) explore --no-fork --runs 4 --seed 3 --timeout 5 \
	    --server '$(B)/warmer serve --listen 127.0.0.1:{port} --seed {seed}'; \
	  $(MC_W) explore --no-fork --runs 4 --seed 2 --timeout 5 \
	    --client '$(B)/warmer client --connect 127.0.0.1:{port} {games}'; \
	  rc=0; $(MC_W) explore --no-fork --runs 2 --faults none --timeout 5 --reruns 1 \
	    --server '$(B)/warmer serve --listen 127.0.0.1:{port} --seed {seed}; exit 3' \
	    --out $(B)/memcheck/explore-live || rc=$$?; test $$rc -eq 1 $(MC_END)
# Every golden and bad fixture under every driver (fixtures/book: its transcripts).
memcheck-check-fixtures:
	$(MC_RUN) set -e; for d in sim threads events; do echo "== --driver $$d"; \
	  $(MC_W) check --driver $$d fixtures/golden/*.txt fixtures/bad/*.txt fixtures/book; done $(MC_END)
# Both transports (alloc-fail counts socketpair's allocations).
memcheck-check-faults:
	$(MC_RUN) set -e; $(MC_W) check fixtures/faults/*.txt; \
	  $(MC_W) check --transport memory $(filter-out %/alloc-fail.txt,$(wildcard fixtures/faults/*.txt)) $(MC_END)
memcheck-transcripts:
	$(MC_RUN) $(MC_W) check $(TRANSCRIPTS) $(MC_END)
	@tail -n 1 $(B)/memcheck/transcripts.log

helgrind: $(B)/warmer
	@bash tests/net.sh --tool "$(HELGRIND)" $(B)/warmer threads events
	@ONLY="stuck-stdout-threads stuck-both-threads stuck-stdout-events console-lines-threads" \
	    bash tests/serve.sh --tool "$(HELGRIND)" $(B)/warmer

interop: $(B)/warmer
	$(B)/warmer interop --server '$(PYTHON) ci/refmodel.py serve --listen {host}:{port} --seed {seed}' fixtures/
	$(B)/warmer interop --client '$(PYTHON) ci/refmodel.py client --connect {host}:{port} {games}' fixtures/

# The model's transcripts against ours; the book profiles' Python text
# handling (decode, int(), repr) against the running CPython; and the
# committed vectors of big integers and Python's text as CPython makes them.
crosscheck: $(B)/warmer $(B)/tests/test_big
	$(PYTHON) ci/crosscheck.py --warmer $(B)/warmer
	$(PYTHON) ci/pyint_crosscheck.py --cases 20000 --cc '$(CC)'
	$(PYTHON) ci/gen_big_vectors.py --check
	$(PYTHON) ci/gen_pyuni.py --check
	$(PYTHON) ci/gen_pyint_vectors.py --check
	rm -rf $(B)/bigvec && $(PYTHON) ci/gen_big_vectors.py --random 7 --out $(B)/bigvec && \
	    WARMER_BIG_VECTORS=$(B)/bigvec $(B)/tests/test_big

BENCH_BIN = $(addprefix $(B)/bench/,bench_guesses pingpong minserver bare_load)
bench: $(BENCH_BIN) $(B)/warmer
	$(B)/bench/bench_guesses
	sh bench/bench_sim.sh $(B)/warmer $(B)/bench
	bash bench/bench_load.sh $(B)/warmer $(B)/bench
	PYTHON=$(PYTHON) bash bench/bench_naive.sh $(B)/warmer
	$(MUTANTS_ENV) bash bench/bench_explore.sh $(B)/warmer

# explore's figures alone (part of bench): EXPLORE_BENCH_ROUNDS=5 for more.
bench-explore: $(B)/warmer
	$(MUTANTS_ENV) bash bench/bench_explore.sh $(B)/warmer

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

# The binary, the man page (man warmer) and the bash completion, under
# $(DESTDIR)$(PREFIX); tests/install.sh installs into a temporary DESTDIR.
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
install: $(B)/warmer
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(B)/warmer $(DESTDIR)$(PREFIX)/bin/warmer
	install -m 644 man/warmer.1 $(DESTDIR)$(MANDIR)/man1/warmer.1
	install -m 644 completions/warmer.bash $(DESTDIR)$(BASHCOMPDIR)/warmer

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/warmer $(DESTDIR)$(MANDIR)/man1/warmer.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/warmer

# The same program linked statically, for the Dockerfile's runtime stage
# (glibc's static getaddrinfo warns that it would load NSS modules at run
# time: warmer resolves numeric addresses only, which need none).
$(B)/warmer-static: $(B)/sim/cli/main.o $(B)/libwarmer.a
	@$(if $(V),,echo "  LINK  $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $^ -pthread
static: $(B)/warmer-static

clean:
	rm -rf $(B)
