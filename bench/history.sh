#!/usr/bin/env bash
# keylint history / --staged benchmark on deterministic synthetic repos.
#
#   bench/history.sh            # full size: 50,000 commits, 200,000 blobs
#   COMMITS=5000 bench/history.sh   # quicker
#   REAL_REPO=/path/to/repo.git bench/history.sh   # also a real history
#
# Builds (once, cached under $BENCH_DIR, default /tmp/keylint-bench) a bare
# repository with `git fast-import` from bench/gen_history.py, then prints
# keylint's `history` wall time and peak RSS next to the floor, `git cat-file
# --batch-all-objects --batch > /dev/null` (one process reading every
# object), as a ratio; medians of $RUNS runs, warm cache.  Then the staged
# benchmark: a 20-file change staged in a $WIDE_FILES-file repository.
# With REAL_REPO (a clone, bare or not, of a real project: e.g. rust-lang/cargo,
# ~35k commits), the same history measurement runs on it too.  Where
# bench/tree.sh installed kingfisher ($BENCH_DIR/venv), it is measured as a
# peer on the same histories (one run: wall, peak RSS, findings); PEERS=0
# skips it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/tmp/keylint-bench}
COMMITS=${COMMITS:-50000}
PER_COMMIT=${FILES_PER_COMMIT:-4}
WIDE_FILES=${WIDE_FILES:-50000}
RUNS=${RUNS:-3}
PEERS=${PEERS:-1}
KINGFISHER=$DIR/venv/bin/kingfisher
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/keylint
mkdir -p "$DIR"

cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"

# --- history -----------------------------------------------------------
repo=$DIR/history-$COMMITS-$PER_COMMIT.git
if [ ! -f "$repo/.complete" ]; then
    rm -rf "$repo"
    git init --quiet --bare "$repo"
    echo "generating $COMMITS commits ($PER_COMMIT files each) ..." >&2
    python3 "$ROOT/bench/gen_history.py" history "$COMMITS" "$PER_COMMIT" |
        git -C "$repo" fast-import --quiet
    touch "$repo/.complete"
fi
commits=$(git -C "$repo" rev-list --all --count)
blobs=$(git -C "$repo" cat-file --batch-all-objects --batch-check | awk '$2 == "blob"' | wc -l)
pack=$(du -sh "$repo/objects/pack" | cut -f1)
echo "repo: $commits commits, $blobs distinct blobs, pack $pack ($(nproc) cores)"

# Runs `$@` under /usr/bin/time -v; prints "<wall seconds> <peak RSS KiB>".
measure() {
    local log
    log=$(mktemp)
    /usr/bin/time -v "$@" >/dev/null 2>"$log" || true
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
                                   for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%.2f %d\n", wall, rss }' "$log"
    rm -f "$log"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# bench_history REPO: keylint history against the cat-file floor on REPO.
bench_history() {
    local repo=$1 floor wall rss
    local floor_runs=() keylint_runs=() rss_runs=()
    git -C "$repo" cat-file --batch-all-objects --batch >/dev/null # warm the cache
    for _ in $(seq "$RUNS"); do
        read -r wall _ < <(measure git -C "$repo" cat-file --batch-all-objects --batch)
        floor_runs+=("$wall")
        read -r wall rss < <(measure "$BIN" history "$repo" --format json --output "$DIR/history.json")
        keylint_runs+=("$wall")
        rss_runs+=("$rss")
    done
    floor=$(printf '%s\n' "${floor_runs[@]}" | median)
    wall=$(printf '%s\n' "${keylint_runs[@]}" | median)
    rss=$(printf '%s\n' "${rss_runs[@]}" | sort -n | tail -1)
    python3 - "$DIR/history.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"keylint: {s['commits_walked']} commits, {s['trees_walked']} trees, "
      f"{s['blobs_scanned']} blobs ({s['bytes_scanned'] / 2**20:.0f} MiB), {s['findings']} findings")
PY
    echo "floor   git cat-file --batch-all-objects --batch: ${floor}s (runs: ${floor_runs[*]})"
    echo "keylint history:                                ${wall}s (runs: ${keylint_runs[*]})"
    awk -v k="$wall" -v f="$floor" -v r="$rss" 'BEGIN {
        printf "ratio keylint / floor: %.2fx (target <= 1.5x); peak RSS %.0f MiB (target < 1024)\n", k / f, r / 1024 }'
    if [ "$PEERS" = 1 ] && [ -x "$KINGFISHER" ]; then
        local peer peer_rss found
        read -r peer peer_rss < <(measure "$KINGFISHER" scan "$repo" --git-history full --no-validate \
            --no-update-check --no-binary --no-extract-archives --format json --output "$DIR/kingfisher-history.json")
        found=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' \
            "$DIR/kingfisher-history.json" 2>/dev/null || echo "?")
        awk -v k="$wall" -v p="$peer" -v r="$peer_rss" -v n="$found" 'BEGIN {
            printf "peer kingfisher (--git-history full --no-validate): %.2fs, peak RSS %.0f MiB, %s findings; keylint/kingfisher %.2fx\n", p, r / 1024, n, k / p }'
    fi
}

bench_history "$repo"
if [ -n "${REAL_REPO:-}" ]; then
    echo "real repo: $REAL_REPO: $(git -C "$REAL_REPO" rev-list --all --count) commits," \
        "$(git -C "$REAL_REPO" count-objects -vH | awk '/size-pack/ { print $2 $3 }') packed"
    bench_history "$REAL_REPO"
fi

# --- staged ------------------------------------------------------------
wide=$DIR/wide-$WIDE_FILES
if [ ! -f "$wide/.git/complete" ]; then
    rm -rf "$wide"
    git init --quiet -b main "$wide"
    echo "generating a $WIDE_FILES-file repository ..." >&2
    python3 "$ROOT/bench/gen_history.py" wide "$WIDE_FILES" | git -C "$wide" fast-import --quiet
    git -C "$wide" checkout --quiet -f main
    touch "$wide/.git/complete"
fi
git -C "$wide" reset --quiet --hard
key=$(python3 "$ROOT/fixtures/fakekey.py" openai-proj56 99)
i=0
for f in $(git -C "$wide" ls-files | awk -v step=$((WIDE_FILES / 20)) 'NR % step == 7' | head -20); do
    i=$((i + 1))
    if [ "$i" = 1 ]; then echo "OPENAI_API_KEY=$key" >>"$wide/$f"; else echo "edit $i" >>"$wide/$f"; fi
    git -C "$wide" add "$f"
done
staged_runs=()
for _ in 1 2 3 4 5 6 7; do
    start=$(date +%s%N)
    code=0
    (cd "$wide" && "$BIN" scan --staged --format json --output "$DIR/staged.json" 2>/dev/null) || code=$?
    end=$(date +%s%N)
    staged_runs+=("$(( (end - start) / 1000000 ))")
done
findings=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["findings"])' "$DIR/staged.json")
start=$(date +%s%N)
git -C "$wide" diff --cached --quiet || true
end=$(date +%s%N)
echo "staged: $(git -C "$wide" diff --cached --name-only | wc -l) files staged in a $(git -C "$wide" ls-files | wc -l)-file repo:" \
    "keylint scan --staged $(printf '%s\n' "${staged_runs[@]}" | median) ms median" \
    "(runs: ${staged_runs[*]}; exit $code, $findings finding; target < 100 ms);" \
    "git diff --cached $(( (end - start) / 1000000 )) ms"
git -C "$wide" reset --quiet --hard
