#!/usr/bin/env bash
# Check out every repository of trees.tsv at its pinned commit, as a plain
# tree DIR/NAME that measure.py --all scans.  Writes DIR/NAME.commit (the
# commit, which verdicts.tsv records as the tree's version) and, when the
# source lacked some blobs, DIR/NAME.absent (their paths); both beside the
# tree, not in it, where they would be scanned.  A tree already at its
# pinned commit is left alone.
#
#   bench/precision/checkout.sh [DIR] [NAME...]     (DIR default /tmp/prec)
#
# Where the git objects come from, first found wins:
#   1. $PREC_MIRRORS/OWNER+NAME/repo, a bare snapshot.  On the project's
#      build machines (no internet) this is where the `fetch` tool puts one:
#      call `fetch github:OWNER/NAME` once per tree (a manual step; the
#      default PREC_MIRRORS is /work/.mirror), then run this script.
#   2. DIR/.git/NAME.git, a bare clone this script made before.
#   3. `git clone --bare --filter=blob:none https://github.com/OWNER/NAME`
#      into DIR/.git/NAME.git, then `git fetch origin COMMIT` if the commit
#      is not on a branch any more.  By hand, the same tree is
#        git clone https://github.com/OWNER/NAME && cd NAME && git checkout COMMIT
#      (then delete .git or pass the checkout to measure.py --tree NAME=PATH;
#      keylint skips .git directories).
# A snapshot may list files it lacks (the fetch tool's store keeps no file
# of 4 MiB or more): those are skipped and named in DIR/NAME.absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-/tmp/prec}"
[ $# -gt 0 ] && shift
mirrors="${PREC_MIRRORS:-/work/.mirror}"
mkdir -p "$dir"

git_dir_for() { # NAME OWNER/REPO COMMIT -> prints a git dir holding COMMIT
  local name="$1" repo="$2" commit="$3" candidate
  for candidate in "$mirrors/${repo/\//+}/repo" "$dir/.git/$name.git"; do
    if [ -d "$candidate" ] && git --git-dir="$candidate" cat-file -e "$commit^{commit}" 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  candidate="$dir/.git/$name.git"
  if [ ! -d "$candidate" ]; then
    echo "$name: cloning https://github.com/$repo" >&2
    mkdir -p "$dir/.git"
    GIT_TERMINAL_PROMPT=0 git clone --quiet --bare --filter=blob:none \
      "https://github.com/$repo" "$candidate" >&2 || {
      rm -rf "$candidate"
      echo "$name: no snapshot in $mirrors/${repo/\//+}/repo and no clone of https://github.com/$repo" >&2
      return 1
    }
  fi
  if ! git --git-dir="$candidate" cat-file -e "$commit^{commit}" 2>/dev/null; then
    GIT_TERMINAL_PROMPT=0 git --git-dir="$candidate" fetch --quiet --filter=blob:none origin "$commit" >&2 || true
  fi
  git --git-dir="$candidate" cat-file -e "$commit^{commit}" 2>/dev/null || {
    echo "$name: commit $commit is not in $candidate" >&2
    return 1
  }
  echo "$candidate"
}

extract() { # GIT_DIR COMMIT DEST
  local git_dir="$1" commit="$2" dest="$3" absent="${3%/}.absent"
  rm -rf "$dest" "$absent" && mkdir -p "$dest"
  if git --git-dir="$git_dir" archive "$commit" 2>/dev/null | tar -x -C "$dest" 2>/dev/null; then
    return
  fi
  # Some blobs are absent: blob by blob, skipping (and naming) those.
  rm -rf "$dest" && mkdir -p "$dest"
  local meta path mode type object
  while IFS=$'\t' read -r meta path; do
    read -r mode type object <<<"$meta"
    [ "$type" = blob ] || continue
    [ "$mode" = 120000 ] && continue # symlinks: keylint does not follow them
    mkdir -p "$dest/$(dirname "$path")"
    git --git-dir="$git_dir" cat-file blob "$object" >"$dest/$path" 2>/dev/null ||
      { rm -f "$dest/$path"; echo "$path" >>"$absent"; }
  done < <(git --git-dir="$git_dir" ls-tree -r "$commit")
  echo "$(basename "$dest"): $(wc -l <"$absent") blobs absent from the source, skipped (listed in $absent)" >&2
}

status=0
while IFS=$'\t' read -r name source commit _kind; do
  [ "$name" = name ] && continue
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
    continue
  fi
  dest="$dir/$name"
  if [ -d "$dest" ] && [ "$(cat "$dest.commit" 2>/dev/null)" = "$commit" ]; then
    echo "$name: at $commit"
    continue
  fi
  git_dir="$(git_dir_for "$name" "${source#github:}" "$commit")" || { status=1; continue; }
  extract "$git_dir" "$commit" "$dest"
  echo "$commit" >"$dest.commit"
  echo "$name: checked out $commit from $git_dir"
done <"$here/trees.tsv"
exit $status
