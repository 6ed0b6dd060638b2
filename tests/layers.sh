#!/bin/sh
# The layer check itself (ci/layers.sh): a tree whose includes go down
# passes; one forbidden include upward, or an I/O header in proto/, fails
# naming the file and the include. Every case runs alone with ONLY=name (tests/lib.sh).
#   bash tests/layers.sh
src=$(cd "$(dirname "$0")/.." && pwd) || exit 2
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
lib_init layers

# A small tree with every layer: each file includes one below it.
make_tree() {
    rm -rf "$tmp/t"
    for d in proto sim/tx sim/core sim/net sim/check sim/explore/engine sim/cli; do mkdir -p "$tmp/t/$d"; done
    printf '#include <stdint.h>\n' >"$tmp/t/proto/rng.h"
    printf '#include "rng.h"\n' >"$tmp/t/sim/tx/journal.h"
    printf '#include "journal.h"\n#include "rng.h"\n' >"$tmp/t/sim/core/sim.h"
    printf '#include "sim.h"\n' >"$tmp/t/sim/net/net.h"
    printf '#include "net.h"\n' >"$tmp/t/sim/check/compare.h"
    printf '#include "compare.h"\n' >"$tmp/t/sim/explore/engine/explore.h"
    printf '#include "explore.h"\n#include "sim.h"\n#include <stdio.h>\n' >"$tmp/t/sim/cli/main.c"
}

run() { # NAME WANT_STATUS: the check on $tmp/t, its output in $tmp/out
    sh "$src/ci/layers.sh" "$tmp/t" >"$tmp/out" 2>&1
    got=$?
    [ "$got" -eq "$2" ] || { why="want exit $2, got $got: $(cat "$tmp/out")"; return 1; }
}
has() { grep -q -- "$1" "$tmp/out" || { why="no /$1/ in: $(cat "$tmp/out")"; return 1; }; }

case_clean_tree_passes() { make_tree && run $1 0 && has "every include goes down or across"; }
case_core_including_a_command_fails() {
    make_tree
    printf '#include "explore.h"\n' >>"$tmp/t/sim/core/sim.h"
    run $1 1 && has 'sim/core/sim.h includes "explore.h", which is sim/explore, above sim/core'
}
case_proto_including_a_harness_header_fails() {
    make_tree
    printf '#include "journal.h"\n' >"$tmp/t/proto/gset.c"
    run $1 1 && has 'proto/gset.c includes "journal.h", which is sim/tx, above proto'
}
case_proto_doing_io_fails() {
    make_tree
    printf '#include <sys/socket.h>\n' >"$tmp/t/proto/frame.c"
    run $1 1 && has 'proto/frame.c includes <sys/socket.h>: proto/ does no I/O'
}
case_a_subfolder_is_its_layer() {
    make_tree
    mkdir -p "$tmp/t/sim/explore/oracle" && printf '#include "sim.h"\n' >"$tmp/t/sim/explore/oracle/oracle.h"
    printf '#include "oracle.h"\n' >>"$tmp/t/sim/net/net.h"
    run $1 1 && has 'sim/net/net.h includes "oracle.h", which is sim/explore, above sim/net' &&
        printf '#include "explore.h"\n' >"$tmp/t/sim/explore/oracle/oracle.c" && run $1 1 &&
        ! grep -q oracle.c "$tmp/out" || { why="${why:-within a layer, a subfolder may include its parent: $(cat "$tmp/out")}"; return 1; }
}
case_the_real_tree_passes() {
    rm -rf "$tmp/t" && mkdir "$tmp/t" && cp -R "$src/proto" "$src/sim" "$tmp/t/" && run $1 0
}

lib_run_cases
