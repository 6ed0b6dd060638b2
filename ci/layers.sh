#!/bin/sh
# make layers: no file includes a header of a higher layer (docs/DESIGN.md,
# "Layers"). The layers, lowest first; a file may include its own layer's
# headers and lower ones', never a higher one's:
#   proto        the protocol sessions, no I/O
#   sim/tx       the transcript format: settings, faults, records, parse, diff
#   sim/core     the simulator and the drivers: endpoints, transports, the
#                streamed merge, threads, the event loop, running a config
#   sim/net      live peers: sockets, replay against a peer, serve, record, load
#   sim/check    comparing runs with files and reporting them: check, update,
#                JUnit/TAP/JSON, interop
#   sim/explore  scenarios, the independent invariants, shrinking
#   sim/cli      the commands and the command line
# A layer's subfolders (sim/explore/oracle/, ...) belong to it; within a
# layer, includes go any way. proto/ also includes no system header that
# does I/O.
#   sh ci/layers.sh [ROOT]     (exit 1 naming each file and include at fault)
root=${1:-.}
layers="proto sim/tx sim/core sim/net sim/check sim/explore sim/cli"
rank() { # folder -> its place in $layers, or nothing
    n=0
    for l in $layers; do
        [ "$l" = "$1" ] && { echo $n; return; }
        n=$((n + 1))
    done
}
# header basename -> folder, from the tree itself
map=$(cd "$root" && for l in $layers; do [ -d "$l" ] && find "$l" -name '*.h' | sort | sed "s|.*/\(.*\)|\1 $l|"; done)
bad=0 files=0
for l in $layers; do
    [ -d "$root/$l" ] || { echo "layers: no folder $l" >&2; bad=1; continue; }
    mine=$(rank "$l")
    for f in $(find "$root/$l" -name '*.[ch]' | sort); do
        files=$((files + 1))
        for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
            dir=$(echo "$map" | awk -v h="${inc##*/}" '$1 == h {print $2; exit}')
            [ -n "$dir" ] || continue # a header outside the layers (tests, system)
            theirs=$(rank "$dir")
            if [ "$theirs" -gt "$mine" ]; then
                echo "layers: ${f#"$root"/} includes \"$inc\", which is $dir, above $l"
                bad=1
            fi
        done
        if [ "$l" = proto ]; then
            for sys in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$f"); do
                case $sys in
                unistd.h | poll.h | pthread.h | fcntl.h | sys/* | netinet/* | arpa/* | netdb.h)
                    echo "layers: ${f#"$root"/} includes <$sys>: proto/ does no I/O"
                    bad=1 ;;
                esac
            done
        fi
    done
done
[ "$bad" = 0 ] && echo "layers: $files files, every include goes down or across ($layers)"
exit $bad
