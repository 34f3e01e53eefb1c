#!/usr/bin/env bash
# The pre-commit framework, for real: `pre-commit try-repo` of this
# repository's committed HEAD inside a temp git repo, then a real
# `git commit` and `git push` through hooks that `pre-commit install` wrote.
#   - a commit staging a fake key is blocked with keylint's message;
#   - a clean commit passes; a `keylint:allow`ed line passes;
#   - the pre-push hook blocks a push whose new commit adds a key.
# pre-commit builds keylint with `cargo install` (language: rust) once per
# run; CARGO_TARGET_DIR keeps that build's artifacts between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
rev=$(git rev-parse HEAD)

if ! command -v pre-commit >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check pre-commit
fi
echo "pre-commit: $(pre-commit --version); testing $repo at $rev"
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "pre-commit test: note: uncommitted changes are NOT tested (pre-commit clones HEAD $rev)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
export CARGO_TARGET_DIR="${KEYLINT_PRE_COMMIT_TARGET:-$repo/target/pre-commit-install}"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=tester@example.com
export GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com
unset GITHUB_STEP_SUMMARY PRE_COMMIT_FROM_REF PRE_COMMIT_TO_REF || true

failures=0
passes=0
check() { # description, expected exit (0 or nonzero), actual exit, log, [pattern]
  local what=$1 want=$2 got=$3 log=$4 pattern=${5:-}
  local ok=1
  if [ "$want" = 0 ] && [ "$got" != 0 ]; then ok=0; fi
  if [ "$want" != 0 ] && [ "$got" = 0 ]; then ok=0; fi
  if [ -n "$pattern" ] && ! grep -q -- "$pattern" "$log"; then ok=0; fi
  if grep -q -- "$key" "$log"; then echo "  leaked the full key"; ok=0; fi
  if [ $ok = 1 ]; then
    echo "ok: $what (exit $got) [${SECONDS}s]"
    passes=$((passes + 1))
  else
    echo "FAILED: $what (exit $got, wanted $([ "$want" = 0 ] && echo 0 || echo non-zero)${pattern:+, output matching '$pattern'})"
    sed 's/^/  | /' "$log"
    failures=$((failures + 1))
  fi
}

key=$(python3 fixtures/fakekey.py openai-proj56 7)
aws=$(python3 fixtures/fakekey.py aws-akid 7)
demo="$work/demo"
git init -q -b main "$demo"
cd "$demo"
echo "# demo" > README.md
git add README.md
git commit -q -m initial

# 1. try-repo: a staged key is blocked with keylint's message.
printf 'OPENAI_API_KEY=%s\n' "$key" > .env
git add .env
start=$(date +%s)
set +e
pre-commit try-repo "$repo" keylint --ref "$rev" > "$work/1.log" 2>&1
status=$?
set -e
echo "(first try-repo, including pre-commit's cargo install: $(( $(date +%s) - start ))s)"
check "try-repo: staged key blocked" 1 $status "$work/1.log" "openai-project-key"
grep -q "git restore --staged .env" "$work/1.log" || { echo "FAILED: no unstage hint"; failures=$((failures + 1)); }

# 2. try-repo: the same line allowed inline passes.
printf 'OPENAI_API_KEY=%s # keylint:allow demo fixture\n' "$key" > .env
git add .env
set +e
pre-commit try-repo "$repo" keylint --ref "$rev" > "$work/2.log" 2>&1
status=$?
set -e
check "try-repo: keylint:allow line passes" 0 $status "$work/2.log" "Passed"

# 3. try-repo: a clean change passes.
git rm -q --cached .env
rm .env
echo 'import os; KEY = os.environ["OPENAI_API_KEY"]' > app.py
git add app.py
set +e
pre-commit try-repo "$repo" keylint --ref "$rev" > "$work/3.log" 2>&1
status=$?
set -e
check "try-repo: clean change passes" 0 $status "$work/3.log" "Passed"

# 4. A real commit through `pre-commit install`, with this repo as the hook repo.
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: keylint
      - id: keylint-history
YAML
git add .pre-commit-config.yaml
pre-commit install --hook-type pre-commit --hook-type pre-push > "$work/install.log" 2>&1
set +e
git commit -q -m "clean" > "$work/4.log" 2>&1
status=$?
set -e
check "git commit: clean commit passes" 0 $status "$work/4.log"
printf 'aws_access_key_id = %s\n' "$aws" > creds.ini
git add creds.ini
set +e
git commit -q -m "add creds" > "$work/5.log" 2>&1
status=$?
set -e
check "git commit: staged key blocked" 1 $status "$work/5.log" "aws-access-key-id"
[ "$(git rev-list --count HEAD)" = 2 ] || { echo "FAILED: the blocked commit was recorded"; failures=$((failures + 1)); }

# 5. pre-push: a commit that adds a key (made with --no-verify) is not pushed.
git init -q --bare "$work/remote.git"
git remote add origin "$work/remote.git"
set +e
git push -q origin main > "$work/6.log" 2>&1
status=$?
set -e
check "git push: clean history passes" 0 $status "$work/6.log"
git commit -q --no-verify -m "add creds anyway"
set +e
git push -q origin main > "$work/7.log" 2>&1
status=$?
set -e
check "git push: new commit with a key blocked" 1 $status "$work/7.log" "aws-access-key-id"

echo "pre-commit integration: $passes passed, $failures failed"
[ "$failures" = 0 ]
