#!/bin/sh
# Installs what warmer's tests need when it is missing: a C compiler, make,
# pkg-config, Check, Valgrind, Python 3 (for make crosscheck) with PyYAML
# (make check parses the docs' YAML), perl's prove (make check reads --tap
# with it), patch (the planted bugs of make mutants), groff and man
# (tests/install.sh renders the man page); with
# WITH_CLANG=1 also clang and libFuzzer's runtime (make CC=clang, make fuzz);
# with WITH_CHROMIUM=1 also Chromium, for make check-html alone (headless).
set -eu
missing=""
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v patch >/dev/null 2>&1 || missing="$missing patch" # tests/mutants.sh
python3 -c 'import yaml' >/dev/null 2>&1 || missing="$missing python3-yaml" # tests/yaml_ok.py
command -v prove >/dev/null 2>&1 || missing="$missing perl" # prove reads --tap (tests/check.sh)
pkg-config --exists check 2>/dev/null || missing="$missing check"
command -v groff >/dev/null 2>&1 || missing="$missing groff-base" # tests/install.sh
command -v man >/dev/null 2>&1 || missing="$missing man-db"
if [ -n "${WITH_CLANG:-}" ]; then # the clang build and make fuzz (libFuzzer's runtime)
    command -v clang >/dev/null 2>&1 || missing="$missing clang"
    dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || missing="$missing libclang-rt-14-dev"
fi
if [ -n "${WITH_CHROMIUM:-}" ]; then # make check-html renders the page in it
    command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
fi
[ -z "$missing" ] && exit 0
echo "ci/deps.sh: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $missing >/dev/null
