#!/usr/bin/env bash
# Check out a fetched repository (a bare git directory) into a plain tree
# for measure.py --tree NAME=PATH.  `git archive` when every blob is there;
# otherwise blob by blob, skipping (and counting) the blobs the snapshot
# lacks (large files are sometimes listed but absent).  Prints the commit,
# which verdicts.tsv records as the tree's version, and writes it to
# DEST.commit (beside the tree, not in it: it would be scanned).
#   bench/precision/checkout.sh GIT_DIR DEST
set -euo pipefail
git_dir="$1" dest="$2"
commit="$(git --git-dir="$git_dir" rev-parse HEAD)"
rm -rf "$dest" && mkdir -p "$dest"
if ! git --git-dir="$git_dir" archive "$commit" 2>/dev/null | tar -x -C "$dest" 2>/dev/null; then
  rm -rf "$dest" && mkdir -p "$dest"
  missing=0
  while IFS=$'\t' read -r meta path; do
    set -- $meta
    [ "$2" = blob ] || continue
    mkdir -p "$dest/$(dirname "$path")"
    if [ "$1" = 120000 ]; then
      continue  # symlinks: keylint skips them anyway
    fi
    git --git-dir="$git_dir" cat-file blob "$3" >"$dest/$path" 2>/dev/null || { rm -f "$dest/$path"; missing=$((missing + 1)); }
  done < <(git --git-dir="$git_dir" ls-tree -r "$commit")
  echo "$missing blobs absent from the snapshot, skipped" >&2
fi
echo "$commit"
echo "$commit" >"${dest%/}.commit"
