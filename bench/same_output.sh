#!/usr/bin/env bash
# Byte-for-byte comparison of two keylint binaries' reports: every format
# on the fixture trees, JSON on real trees, history and --staged on a repo
# built here. For refactorings that must not change behaviour:
#   bench/same_output.sh OLD_BINARY NEW_BINARY [EXTRA_TREE...]
# Timing fields (elapsed, duration_ms, "in 0.01s") are masked; everything
# else must be identical. Exits 1 on the first difference, printing it.
set -euo pipefail
old=$1 new=$2; shift 2
root="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mask() { sed -E 's/"duration_ms": ?[0-9]+/"duration_ms":0/g; s/in [0-9]+\.[0-9]+s/in Xs/g; s/time="[0-9.]+"/time="X"/g; s/"(start|end)TimeUtc": ?"[^"]*"/"\1TimeUtc":"X"/g'; }
compare() { # NAME ARGS...
  local name=$1; shift
  (cd "$root" && "$old" "$@" 2>&1 | mask) > "$work/old.$name" || true
  (cd "$root" && "$new" "$@" 2>&1 | mask) > "$work/new.$name" || true
  if ! cmp -s "$work/old.$name" "$work/new.$name"; then
    echo "DIFFERENT: $name ($*)"; diff "$work/old.$name" "$work/new.$name" | head -20; exit 1
  fi
  echo "same: $name ($(wc -c < "$work/new.$name") bytes)"
}
for format in human json sarif github csv junit; do
  compare "tree-$format" scan fixtures/tree --no-config --color never --format "$format"
  compare "corpus-$format" scan fixtures/corpus --no-config --color never --format "$format"
  compare "projects-$format" scan fixtures/projects --no-config --color never --format "$format"
done
compare tree-suppressed scan fixtures/tree --no-config --color never --show-suppressed --report-unused
compare rules-list rules list
compare rules-list-json rules list --format json
# A small history with a key added, moved and deleted, and a staged change.
repo="$work/repo"; mkdir "$repo"; git -C "$repo" init -q -b main
export GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z
cp -r "$root/fixtures/tree/." "$repo/"; git -C "$repo" add -A
git -C "$repo" -c user.name=A -c user.email=a@example.com commit -qm one
git -C "$repo" rm -q -r src; git -C "$repo" -c user.name=B -c user.email=b@example.com commit -qm two
cp "$root/fixtures/tree/.env" "$repo/moved.env"; git -C "$repo" add -A
for format in human json sarif csv; do
  compare "history-$format" history "$repo" --format "$format" --color never --all-occurrences
  compare "staged-$format" scan --staged "$repo" --format "$format" --color never
done
for tree in "$@"; do
  compare "real-$(basename "$tree")" scan "$tree" --no-config --format json
done
echo "all outputs identical"
