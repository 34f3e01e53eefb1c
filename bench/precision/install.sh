#!/usr/bin/env bash
# Build the three third-party trees the precision measurement scans, at the
# pinned versions kept next to this script (every installed distribution for
# pip, the lock file for npm).  Network needed once; the trees are plain
# files afterwards.  Usage: bench/precision/install.sh [DIR]  (default /tmp/prec)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-/tmp/prec}"
mkdir -p "$dir"
for tree in py-cloud py-ai; do
  if [ ! -d "$dir/$tree" ]; then
    pip install --quiet --no-compile --no-deps --target "$dir/$tree" -r "$here/$tree.txt"
  fi
done
if [ ! -d "$dir/npm-cloud/node_modules" ]; then
  mkdir -p "$dir/npm-cloud"
  cp "$here/npm-cloud/package.json" "$here/npm-cloud/package-lock.json" "$dir/npm-cloud/"
  (cd "$dir/npm-cloud" && npm ci --silent --no-audit --no-fund --ignore-scripts)
fi
echo "trees in $dir: py-cloud py-ai npm-cloud"
