#!/usr/bin/env bash
# The whole benchmark suite, one command: start-up, working tree (1 GiB
# synthetic tree + real trees, floor and peers), history (synthetic, and
# REAL_REPO if set) and --staged.  Each script's own variables apply (see
# their headers); the tree table is also saved to
# $BENCH_DIR/tree-results.md.  Takes 30-60 minutes on 2 cores, most of it
# in the slow peers (PEERS=0 to skip them).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
"$HERE/startup.sh"
"$HERE/tree.sh"
"$HERE/history.sh"
