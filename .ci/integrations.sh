#!/usr/bin/env bash
# Integration checks with the real tools, run by .ci/run after `cargo test`:
#  1. Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool) validates
#     keylint's SARIF for a tree scan, a history scan, suppressed results and
#     (once it exists) a project-mismatch fixture, with the SARIF rules and
#     GitHub's ingestion rules (`--rule-kind "Sarif;Gh"`); any error fails.
#  2. tests/pre_commit.sh: the real pre-commit framework against this repo.
# Tools are installed under $KEYLINT_CI_CACHE (default ~/.cache/keylint-ci),
# which also keeps pre-commit's cargo build warm between runs on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cache=${KEYLINT_CI_CACHE:-$HOME/.cache/keylint-ci}
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset GITHUB_STEP_SUMMARY || true
section() { echo; echo "== $1 [${SECONDS}s]"; }

section "build"
cargo build --quiet
bin="${CARGO_TARGET_DIR:-$root/target}/debug/keylint"
"$bin" --version

section "SARIF Multitool install"
multitool_version=5.7.0
mt_dir="$cache/sarif-multitool-$multitool_version"
mt="$mt_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -f "$mt" ]; then
  npm install --prefix "$mt_dir" --no-audit --no-fund --loglevel=error \
    "@microsoft/sarif-multitool@$multitool_version"
fi
# Its postinstall (chmod) may not run under npm's install-script policy.
chmod u+x "$mt"
"$mt" --version 2>/dev/null | head -1 || true

# validate NAME FILE: no errors from the SARIF or GitHub rule sets.
validate() {
  local name=$1 file=$2 out="$work/$1.validation.sarif"
  rm -f "$out"
  if ! "$mt" validate --rule-kind "Sarif;Gh" --level "Error;Warning;Note" \
      --output "$out" "$file" > "$work/$name.log" 2>&1; then
    echo "FAILED: multitool validate $name"; cat "$work/$name.log"; return 1
  fi
  # The multitool exits 0 even on a bad command line: demand its log.
  if [ ! -s "$out" ]; then
    echo "FAILED: multitool wrote no validation log for $name"; cat "$work/$name.log"; return 1
  fi
  python3 - "$name" "$out" <<'PY'
import collections, json, sys
name, path = sys.argv[1], sys.argv[2]
results = [r for run in json.load(open(path))["runs"] for r in run.get("results", [])]
by_level = collections.Counter(r.get("level", "warning") for r in results)
rules = collections.Counter((r.get("level", "warning"), r["ruleId"]) for r in results)
summary = ", ".join(f"{lvl} {rid} x{n}" for (lvl, rid), n in sorted(rules.items())) or "nothing"
print(f"multitool {name}: {by_level['error']} error(s), {by_level['warning']} warning(s), {by_level['note']} note(s): {summary}")
sys.exit(1 if by_level["error"] else 0)
PY
}

section "SARIF Multitool validate"
# Self-check: the GitHub rule set is really active (a result without
# message.text must be reported as GH1015 / GH1017 errors).
"$bin" scan fixtures/tree --format sarif --output "$work/tree.sarif" || [ $? = 1 ]
python3 - "$work/tree.sarif" "$work/broken.sarif" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["runs"][0]["results"][0]["message"] = {"id": "default"}
json.dump(doc, open(sys.argv[2], "w"))
PY
if validate broken "$work/broken.sarif" > "$work/broken.out" 2>&1 || ! grep -q "GH10" "$work/broken.validation.sarif"; then
  echo "FAILED: the multitool did not apply GitHub's rules to a broken file"; cat "$work/broken.out"; exit 1
fi
echo "self-check: a result without message.text is rejected ($(grep -o 'GH10[0-9][0-9]' "$work/broken.validation.sarif" | sort -u | tr '\n' ' '))"

failed=0
validate tree "$work/tree.sarif" || failed=1

"$bin" scan fixtures/tree --format sarif --show-suppressed --output "$work/suppressed.sarif" || [ $? = 1 ]
validate tree-show-suppressed "$work/suppressed.sarif" || failed=1

# A history scan of a temp repository: a key added, then deleted.
hist="$work/history-repo"
git init -q -b main "$hist"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
echo "hello" > "$hist/README.md"
git -C "$hist" add -A && git -C "$hist" commit -q -m first
mkdir -p "$hist/config"
printf 'OPENAI_API_KEY=%s\nAWS_ACCESS_KEY_ID=%s\n' \
  "$(python3 fixtures/fakekey.py openai-proj56 3)" "$(python3 fixtures/fakekey.py aws-akid 3)" > "$hist/config/.env"
printf 'token: %s\n' "$(python3 fixtures/fakekey.py ghp 3)" > "$hist/config/ci.yml"
git -C "$hist" add -A && git -C "$hist" commit -q -m "add config"
git -C "$hist" rm -q config/.env && git -C "$hist" commit -q -m "remove the key"
"$bin" history "$hist" --format sarif --output "$work/history.sarif" || [ $? = 1 ]
grep -q '"commit"' "$work/history.sarif" || { echo "FAILED: history SARIF has no commit facts"; failed=1; }
validate history "$work/history.sarif" || failed=1

# Project/org binding findings (mismatch with an inventory, conflicts without).
if [ -d fixtures/projects ] && "$bin" rules list | grep -q "project-mismatch"; then
  inventory=()
  [ -f fixtures/projects/inventory.json ] && inventory=(--inventory fixtures/projects/inventory.json)
  "$bin" scan fixtures/projects "${inventory[@]}" --format sarif --output "$work/mismatch.sarif" || [ $? = 1 ]
  grep -q '"ruleId": "openai-project-mismatch"' "$work/mismatch.sarif" ||
    { echo "FAILED: no openai-project-mismatch result in the projects fixture scan"; failed=1; }
  validate project-mismatch "$work/mismatch.sarif" || failed=1
  "$bin" scan fixtures/projects --format sarif --output "$work/conflict.sarif" || [ $? = 1 ]
  validate project-no-inventory "$work/conflict.sarif" || failed=1
else
  echo "multitool project-mismatch: skipped (no project-mismatch rules or fixtures/projects yet)"
fi
[ "$failed" = 0 ] || { echo "SARIF Multitool validation failed"; exit 1; }

section "pre-commit framework"
KEYLINT_PRE_COMMIT_TARGET="$cache/pre-commit-target" bash tests/pre_commit.sh

section "integrations done"
