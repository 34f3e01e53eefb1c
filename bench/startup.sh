#!/usr/bin/env bash
# keylint start-up: what a run costs before and besides the bytes it scans
# (parsing the built-in rules, building the keyword automaton, compiling
# regexes).  Wall-clock mean of $RUNS hyperfine runs (default 30) for:
#   - a scan of a one-line file holding no keyword (no regex is compiled:
#     built-in regexes compile on first use);
#   - a scan of a file holding every keyword of every built-in rule, one per
#     line (every rule triggers, so every regex compiles, but nothing is
#     found): the worst case for start-up.  Findings have costs of their
#     own (stretched fingerprints), measured by the tree benchmark.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${BENCH_DIR:-/tmp/keylint-bench}
RUNS=${RUNS:-30}
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/keylint
mkdir -p "$DIR"
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 1; }

cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"

echo "nothing to see here" >"$DIR/startup-plain.txt"
python3 - "$ROOT/rules" "$DIR/startup-keywords.txt" <<'PY'
import glob, os, sys, tomllib
words = set()
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.toml"))
                   + glob.glob(os.path.join(sys.argv[1], "providers", "*.toml"))):
    with open(path, "rb") as f:
        for rule in tomllib.load(f).get("rule", []):
            words.update(rule.get("keywords", []))
with open(sys.argv[2], "w") as f:
    f.write("".join(w + "\n" for w in sorted(words)))
print(f"{len(words)} keywords", file=sys.stderr)
PY

json=$(mktemp)
hyperfine --style none -N -i --warmup 3 --runs "$RUNS" --export-json "$json" \
    "$BIN scan $DIR/startup-plain.txt --no-config" \
    "$BIN scan $DIR/startup-keywords.txt --no-config --format json --output /dev/null" >/dev/null 2>&1
python3 - "$json" <<'PY'
import json, sys
labels = ["scan, no keyword (no regex compiled)", "scan, every keyword (every regex compiled)"]
for label, r in zip(labels, json.load(open(sys.argv[1]))["results"]):
    print(f"start-up: {label}: {r['mean'] * 1000:.1f} ms mean "
          f"(user {r['user'] * 1000:.1f} ms, system {r['system'] * 1000:.1f} ms; target < 30 ms)")
PY
rm -f "$json"
