#!/usr/bin/env bash
# keylint working-tree benchmark: keylint `scan` against the ripgrep floor
# and against peer scanners, on a deterministic synthetic tree and on a real
# one.
#
#   bench/tree.sh                    # 1 GiB synthetic tree + two real trees:
#                                    # ~/.cargo/registry/src and Python's stdlib
#   SIZE_MB=200 bench/tree.sh        # quicker synthetic tree
#   REAL_TREE="/a /b" bench/tree.sh  # other real trees (space-separated)
#   REAL_TREE= bench/tree.sh         # synthetic tree only
#   SIZE_MB=0 bench/tree.sh          # real tree only
#
# Everything is cached under $BENCH_DIR (default /tmp/keylint-bench): the
# corpus (bench/gen_tree.py, fixed seed), the keyword list, and the peers
# (ripsecrets via `cargo install --root $BENCH_DIR/cargo-root`;
# detect-secrets and kingfisher-bin via pip in $BENCH_DIR/venv; secretlint
# with its recommended preset via npm in $BENCH_DIR/npm; set PEERS=0 to
# skip installing and running them; TOOLS="rg keylint" to run only some
# tools).
#
# Per tool and corpus: one run under `/usr/bin/time -v` (warms the cache,
# gives peak RSS and the findings count; killed after $TIMEOUT s, default
# 120, and then reported as "timeout"), then `hyperfine` for the wall
# median of $RUNS (default 3) runs.  The floor is
# `rg -c -i -F -f <keylint's keyword list>` (every keyword of rules/*.toml
# and rules/providers/*.toml);
# its "findings" are the lines holding a keyword.  detect-secrets and
# secretlint are slow (secretlint did not finish the 200 MiB tree in
# 300 s): they run on a small subset (the first $SUBSET_MB MiB of files,
# default 2, copied to $BENCH_DIR) next to keylint on the same subset.
# The markdown table and ratios are printed and saved to
# $BENCH_DIR/tree-results.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/tmp/keylint-bench}
SIZE_MB=${SIZE_MB:-1024}
# Real trees: the unpacked crates cargo fetched (~190 crates, ~10k files)
# and the Python installation's library directory (stdlib and
# site-packages, ~47k files, a third of them .pyc binaries).
REAL_TREE=${REAL_TREE-$(ls -d "$HOME"/.cargo/registry/src/*/ 2>/dev/null | head -1) \
    $(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])' 2>/dev/null)}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-120}
SUBSET_MB=${SUBSET_MB:-2}
PEERS=${PEERS:-1}
TOOLS=${TOOLS:-rg keylint ripsecrets kingfisher detect-secrets secretlint}
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/keylint
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

for tool in rg hyperfine; do
    command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y ripgrep hyperfine" >&2; exit 1; }
done

cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"

# --- keyword list (the floor's pattern file) ---------------------------
python3 - "$ROOT/rules" "$DIR/keywords.txt" <<'PY'
import glob, os, sys, tomllib
words = set()
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.toml"))
                   + glob.glob(os.path.join(sys.argv[1], "providers", "*.toml"))):
    with open(path, "rb") as f:
        for rule in tomllib.load(f).get("rule", []):
            words.update(k for k in rule.get("keywords", []) if k)
with open(sys.argv[2], "w") as f:
    f.write("".join(w + "\n" for w in sorted(words)))
print(f"keywords: {len(words)} from rules/*.toml and rules/providers/*.toml", file=sys.stderr)
PY

# --- peers ---------------------------------------------------------------
RIPSECRETS=$DIR/cargo-root/bin/ripsecrets
DETECT=$DIR/venv/bin/detect-secrets
KINGFISHER=$DIR/venv/bin/kingfisher
SECRETLINT=$DIR/npm/node_modules/.bin/secretlint
if [ "$PEERS" = 1 ]; then
    if [ ! -x "$RIPSECRETS" ]; then
        echo "installing ripsecrets (cargo install; a few minutes) ..." >&2
        cargo install --quiet --root "$DIR/cargo-root" ripsecrets || echo "ripsecrets: install failed" >&2
    fi
    if [ ! -x "$DETECT" ] || [ ! -x "$KINGFISHER" ]; then
        echo "installing detect-secrets and kingfisher-bin (pip) ..." >&2
        { python3 -m venv "$DIR/venv" && "$DIR/venv/bin/pip" install --quiet detect-secrets kingfisher-bin; } ||
            echo "pip install failed" >&2
    fi
    if [ ! -x "$SECRETLINT" ]; then
        echo "installing secretlint (npm) ..." >&2
        { mkdir -p "$DIR/npm" && cd "$DIR/npm" && npm init -y >/dev/null &&
            npm install --silent secretlint @secretlint/secretlint-rule-preset-recommend; } ||
            echo "npm install failed" >&2
        cd "$ROOT"
    fi
    echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' >"$DIR/secretlintrc.json"
fi

# --- corpus --------------------------------------------------------------
corpora=()
if [ "$SIZE_MB" != 0 ]; then
    tree=$DIR/tree-$SIZE_MB
    if [ ! -f "$tree.complete" ]; then
        rm -rf "$tree"
        echo "generating a $SIZE_MB MiB tree ..." >&2
        python3 "$ROOT/bench/gen_tree.py" "$tree" "$SIZE_MB"
        touch "$tree.complete"
    fi
    corpora+=("$tree")
fi
for real in $REAL_TREE; do
    corpora+=("${real%/}")
done

# Copies the first $SUBSET_MB MiB of files (sorted paths) of $1 to $2, once.
subset() {
    [ -f "$2.complete" ] && return
    rm -rf "$2"
    mkdir -p "$2"
    (cd "$1" && find . -type f -printf '%s %p\n' | LC_ALL=C sort -k2 |
        awk -v max=$((SUBSET_MB << 20)) '{ t += $1; if (t > max) next; sub(/^[0-9]+ /, ""); print }' |
        tar -cf - -T - | tar -xf - -C "$2")
    touch "$2.complete"
}

# measure OUT CMD...: one run under /usr/bin/time -v and `timeout`, stdout
# to OUT; prints "<wall s> <peak RSS KiB> <timed out 0/1>".
measure() {
    local out=$1 log rc=0
    shift
    log=$(mktemp)
    /usr/bin/time -v timeout "$TIMEOUT" "$@" >"$out" 2>"$log" || rc=$?
    awk -F': ' -v to=$([ "$rc" = 124 ] && echo 1 || echo 0) '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
                                   for (i = 1; i <= n; i++) s = s * 60 + p[i]; wall = s }
        /Maximum resident set size/ { rss = $2 }
        END { printf "%.2f %d %d\n", wall, rss, to }' "$log"
    rm -f "$log"
}

# findings KIND FILE: the number of findings in a tool's output.
findings() {
    python3 - "$1" "$2" <<'PY'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
try:
    if kind == "rg":
        print(sum(int(l.rsplit(":", 1)[1]) for l in open(path, errors="replace") if ":" in l))
    elif kind == "keylint":
        print(json.load(open(path))["summary"]["findings"])
    elif kind == "ripsecrets":
        print(sum(1 for _ in open(path, errors="replace")))
    elif kind == "kingfisher":
        print(len(json.load(open(path))["findings"]))
    elif kind == "detect-secrets":
        print(sum(len(v) for v in json.load(open(path))["results"].values()))
    elif kind == "secretlint":  # --format unix: one "path:line:col: ..." line per finding
        print(sum(1 for l in open(path, errors="replace") if l.startswith("/")))
except Exception as e:  # noqa: BLE001
    print("?")
PY
}

TABLE=$DIR/tree-results.md
rows=() ratios=()

wanted() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# bench_tool CORPUS_LABEL KIND LABEL CMD...: one measured run, then hyperfine.
bench_tool() {
    local corpus=$1 kind=$2 label=$3 out wall rss to median n json
    shift 3
    wanted "$kind" || return 0
    out=$DIR/out-$kind.txt
    read -r wall rss to < <(measure "$out" "$@")
    if [ "$to" = 1 ]; then
        rows+=("| $label | $corpus | timeout (> ${TIMEOUT} s) | $((rss / 1024)) MiB | - |")
        echo "$kind: timeout" >&2
        eval "med_${kind//-/_}=timeout"
        return
    fi
    n=$(findings "$kind" "${RESULT_FILE:-$out}")
    json=$(mktemp)
    hyperfine --style none --runs "$RUNS" -N -i --export-json "$json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1
    median=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f" % r["median"], " ".join("%.2f" % t for t in r["times"]))' "$json")
    rm -f "$json"
    rows+=("| $label | $corpus | ${median%% *} s (runs ${median#* }) | $((rss / 1024)) MiB | $n |")
    echo "$kind: ${median%% *} s, $((rss / 1024)) MiB, $n findings" >&2
    eval "med_${kind//-/_}=${median%% *}"
}

for corpus in "${corpora[@]}"; do
    name=$(basename "$corpus")
    files=$(find "$corpus" -type f | wc -l)
    size=$(du -sm "$corpus" | cut -f1)
    label="$name ($size MiB, $files files)"
    [ -f "$corpus.expected" ] && label="$name ($size MiB, $files files, $(cat "$corpus.expected") planted)"
    echo "== $label" >&2
    med_rg=timeout med_keylint=timeout med_ripsecrets=timeout med_kingfisher=timeout med_detect_secrets=timeout med_secretlint=timeout
    bench_tool "$label" rg 'floor: `rg -c -i -F -f keywords`' rg -c -i -F -f "$DIR/keywords.txt" "$corpus"
    RESULT_FILE=$DIR/keylint.json bench_tool "$label" keylint '**keylint scan**' \
        "$BIN" scan "$corpus" --format json --output "$DIR/keylint.json"
    line="$name:"
    wanted rg && wanted keylint &&
        line+=" keylint/floor $(awk -v k="$med_keylint" -v f="$med_rg" 'BEGIN { printf "%.2fx", k / f }')"
    if [ "$PEERS" = 1 ]; then
        [ -x "$RIPSECRETS" ] && bench_tool "$label" ripsecrets ripsecrets "$RIPSECRETS" "$corpus"
        [ -x "$KINGFISHER" ] && RESULT_FILE=$DIR/kingfisher.json bench_tool "$label" kingfisher \
            'kingfisher (`--no-validate --no-binary --no-extract-archives`)' "$KINGFISHER" scan "$corpus" \
            --no-validate --no-update-check --no-binary --no-extract-archives --format json --output "$DIR/kingfisher.json"
        for peer in ripsecrets kingfisher; do
            wanted "$peer" || continue
            v=med_$peer
            if [ "${!v}" = timeout ]; then line+=", keylint/$peer < $(awk -v k="$med_keylint" -v t="$TIMEOUT" 'BEGIN { printf "%.3fx", k / t }')"
            else line+=", keylint/$peer $(awk -v k="$med_keylint" -v p="${!v}" 'BEGIN { printf "%.3fx", k / p }')"; fi
        done
        if [ -x "$DETECT" ] || [ -x "$SECRETLINT" ]; then
            sub=$DIR/subset-$name
            subset "$corpus" "$sub"
            slabel="subset of $name ($(du -sm "$sub" | cut -f1) MiB, $(find "$sub" -type f | wc -l) files)"
            RESULT_FILE=$DIR/keylint.json bench_tool "$slabel" keylint '**keylint scan**' \
                "$BIN" scan "$sub" --format json --output "$DIR/keylint.json"
            sub_keylint=$med_keylint
            # Both scan only below the current directory: run them from
            # inside the subset.
            [ -x "$DETECT" ] && bench_tool "$slabel" detect-secrets 'detect-secrets (`--all-files`)' \
                env -C "$sub" "$DETECT" scan --all-files .
            [ -x "$SECRETLINT" ] && bench_tool "$slabel" secretlint 'secretlint (recommended preset)' \
                env -C "$sub" "$SECRETLINT" --secretlintrc "$DIR/secretlintrc.json" --format unix '**/*'
            for peer in detect-secrets secretlint; do
                wanted "$peer" || continue
                v=med_${peer//-/_}
                if [ "${!v}" = timeout ]; then line+=", keylint/$peer (subset) < $(awk -v k="$sub_keylint" -v t="$TIMEOUT" 'BEGIN { printf "%.3fx", k / t }')"
                else line+=", keylint/$peer (subset) $(awk -v k="$sub_keylint" -v p="${!v}" 'BEGIN { printf "%.3fx", k / p }')"; fi
            done
        fi
    fi
    ratios+=("$line")
done

{
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load:$(uptime | sed 's/.*load average://'), warm cache, $RUNS runs"
    echo
    echo "| tool | corpus | wall median | peak RSS | findings |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    printf -- '- %s\n' "${ratios[@]}"
} | tee "$TABLE"
