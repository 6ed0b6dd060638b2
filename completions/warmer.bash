# bash completion for warmer(1): the commands, each command's options, the
# values of options that take a fixed set, and files for transcripts and
# reports. Self-contained (no bash-completion helpers needed); installed by
# `make install` as $(PREFIX)/share/bash-completion/completions/warmer.
# The option lists follow docs/CLI.md; tests/install.sh holds them to
# `warmer CMD --help`.

_warmer_commands="run check review replay client serve interop record explore load report"

# The long options of each command (-h/--help and -V/--version: all of them).
_warmer_opts() {
    case $1 in
    run) echo "--seed --game --format --connections --driver --transport --chunking
        --max-line --max-guesses --max-steps --max-journal --max-run-memory --fault --profile" ;;
    check) echo "--update --dry-run -j --jobs --shard --junit --json --html --tap --color --progress
        --durations -k --keyword --last-failed --cache-dir --no-cache --driver --transport
        --max-steps --max-journal --max-run-memory --profile" ;;
    review) echo "-k --keyword --last-failed --cache-dir --driver --transport --max-steps
        --max-journal --max-run-memory --profile" ;;
    replay) echo "--server --client --connect --listen --timeout --close-window --driver
        --transport --max-steps --max-journal --max-run-memory --profile" ;;
    client) echo "--connect --game --seed --max-line --max-guesses --timeout --profile" ;;
    serve) echo "--listen --seed --driver --max-connections --idle-timeout --max-line
        --max-guesses --max-memory --console-queue --profile" ;;
    interop) echo "--server --client -j --jobs --timeout --close-window --process-timeout
        --host --shard --junit --json --html --tap --color --progress --durations -k --keyword
        --last-failed --cache-dir --no-cache --profile" ;;
    record) echo "--listen --connect --seed --connections --max-line --max-connections
        --max-journal --close-wait --connect-timeout --profile" ;;
    explore) echo "--seed --runs --time --shard --out -j --jobs --faults --driver --junit
        --json --html --connect --server-seed --timeout --close-window --replay --run --no-fork
        -k --keyword --run-timeout --max-steps --profile --keep-going --max-findings --reruns
        --server --client --process-timeout --memcheck --memcheck-cmd" ;;
    load) echo "--connect --connections --guesses --duration --game --seed --timeout
        --max-guesses" ;;
    report) echo "--html" ;;
    esac
    echo "--help --version"
}

# 0 when option $2 of command $1 takes a value (the next word).
_warmer_takes_value() {
    case $2 in
    --update | --dry-run | --tap | --chunking | --no-fork | --last-failed | --no-cache | --help | -h | --version | -V) return 1 ;;
    --server | --client) [ "$1" = interop ] ;;
    -*) return 0 ;;
    *) return 1 ;;
    esac
}

# Sets COMPREPLY to the values of option $2 of command $1 that start with $3.
_warmer_values() {
    local cmd=$1 opt=$2 cur=$3 words=""
    case $opt in
    --format) words="transcript book" ;;
    --driver) if [ "$cmd" = serve ]; then words="threads events"; else words="sim threads events"; fi ;;
    --transport) words="socketpair memory" ;;
    --profile) words="strict book book-asyncio" ;;
    --color) words="auto always never" ;;
    --faults)
        # a comma-separated list: complete its last item
        local head="" last=$cur
        case $cur in *,*) head=${cur%,*}, last=${cur##*,} ;; esac
        COMPREPLY=($(compgen -P "$head" -W "all none split reset half-close stall slow delay journal-limit alloc-fail" -- "$last"))
        return ;;
    --junit | --json | --html | --replay)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --out | --cache-dir)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        return ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

_warmer() {
    local cur=${COMP_WORDS[COMP_CWORD]} cmd="" i w
    COMPREPLY=()
    # The command: the first word after warmer that is not an option.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in -*) ;; *) cmd=$w; break ;; esac
    done
    if [ -z "$cmd" ]; then
        COMPREPLY=($(compgen -W "$_warmer_commands --help --version" -- "$cur"))
        return
    fi
    case " $_warmer_commands " in *" $cmd "*) ;; *) return ;; esac
    # After -- every word is an operand.
    for ((i = i + 1; i < COMP_CWORD; i++)); do
        [ "${COMP_WORDS[i]}" = -- ] && { compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return; }
    done
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    # --opt=value (bash splits at '=' when it is in COMP_WORDBREAKS, as by default)
    if [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 2 ]; then
        _warmer_values "$cmd" "${COMP_WORDS[COMP_CWORD - 2]}" "$cur"
        return
    fi
    case $cur in
    --*=*) _warmer_values "$cmd" "${cur%%=*}" "${cur#*=}"
        COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
        return ;;
    esac
    if [ "$prev" != "$cmd" ] && _warmer_takes_value "$cmd" "$prev"; then
        _warmer_values "$cmd" "$prev" "$cur"
        return
    fi
    case $cur in
    -*) COMPREPLY=($(compgen -W "$(_warmer_opts "$cmd")" -- "$cur")) ;;
    *)  # operands: transcripts (files and folders), or reports, for the commands that take them
        case $cmd in
        check | review | replay | interop | report)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur")) ;;
        esac ;;
    esac
}
complete -F _warmer warmer
