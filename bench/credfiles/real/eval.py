#!/usr/bin/env python3
"""Recall per credential-file format on files nobody on the team wrote.

manifest.json lists real-world credential files: committed dotfiles and
configs in public repositories (`github:owner/name` at a commit) and the
formats' own documentation (`deb:package=version`, a path inside the
package, optionally a line range of a man page).  Their content is never
committed: this script extracts each file into a temporary folder under its
original path (so name-based format detection sees what it would see in a
repository), scans the folder with keylint and counts, per format, the
labelled lines that have a finding (recall) and the findings on unlabelled
lines of those files (listed, to triage as false positives).

GitHub sources are read from the search tool's snapshot mirrors
(/work/.mirror/owner+name/repo, fetched with `fetch github:owner/name`);
an entry whose snapshot is missing, or lacks the commit, is skipped and
named.  Debian sources are downloaded with `apt-get download`.

Usage: python3 bench/credfiles/real/eval.py [path/to/keylint] [--json OUT]
                                            [--keep DIR] [--mirror DIR]
"""
import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


def git_dir(mirror, repo):
    base = os.path.join(mirror, repo.replace("/", "+"), "repo")
    return os.path.join(base, ".git") if os.path.isdir(os.path.join(base, ".git")) else base


def github_bytes(mirror, repo, commit, path):
    gd = git_dir(mirror, repo)
    if not os.path.isdir(gd):
        return None, f"no snapshot of {repo} (fetch github:{repo})"
    out = subprocess.run(["git", "--git-dir", gd, "show", f"{commit}:{path}"], capture_output=True)
    if out.returncode != 0:
        return None, f"{repo}@{commit[:12]} has no {path}"
    return out.stdout, None


def deb_bytes(cache, spec, path):
    pkg = spec.split("=", 1)[0]
    unpacked = os.path.join(cache, spec.replace("=", "_").replace("~", "_").replace(":", "_"))
    if not os.path.isdir(unpacked):
        os.makedirs(cache, exist_ok=True)
        got = subprocess.run(["apt-get", "download", spec], cwd=cache, capture_output=True, text=True)
        debs = [f for f in os.listdir(cache) if f.startswith(pkg + "_") and f.endswith(".deb")]
        if got.returncode != 0 or not debs:
            return None, f"apt-get download {spec} failed: {got.stderr.strip()[:200]}"
        subprocess.run(["dpkg-deb", "-x", os.path.join(cache, debs[0]), unpacked], check=True)
    full = os.path.join(unpacked, path)
    if not os.path.exists(full):
        return None, f"{spec} has no {path}"
    data = open(full, "rb").read()
    return (gzip.decompress(data) if path.endswith(".gz") else data), None


def troff_blank(text):
    """Control lines (`.nf`, `.IP`…) become empty lines, so line numbers
    stay those of the man page source; `\\-`, `\\&` are unescaped."""
    out = []
    for line in text.split("\n"):
        if line.startswith(".") or line.startswith("'"):
            out.append("")
        else:
            out.append(line.replace("\\-", "-").replace("\\&", "").replace("\\(dq", '"'))
    return "\n".join(out)


def materialize(entries, dest, mirror, cache):
    """Write every entry under dest; returns (entry, relative path, label
    lines in the written file) and the skipped entries with reasons."""
    placed, skipped = [], []
    for e in entries:
        src = e["source"]
        if src.startswith("github:"):
            repo = src[len("github:"):]
            data, why = github_bytes(mirror, repo, e["commit"], e["path"])
            rel = os.path.join(repo.replace("/", "+"), e["path"])
        else:
            data, why = deb_bytes(cache, src[len("deb:"):], e["path"])
            rel = e.get("as", os.path.join(src[len("deb:"):], e["path"]))
        if data is None:
            skipped.append((e, why))
            continue
        lines = list(e["lines"])
        if "range" in e:
            first, last = e["range"]
            text = data.decode("utf-8", "replace").split("\n")[first - 1:last]
            text = "\n".join(text) + "\n"
            if e.get("troff"):
                text = troff_blank(text)
            data = text.encode()
            lines = [n - first + 1 for n in lines]
        full = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        placed.append((e, rel, lines))
    return placed, skipped


def scan(binary, dest):
    out = subprocess.run([binary, "scan", dest, "--no-config", "--format", "json"],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"keylint failed ({out.returncode}): {out.stderr[:500]}")
    report = json.loads(out.stdout)
    found = defaultdict(list)
    for f in report["findings"]:
        path = f["path"]
        rel = os.path.relpath(path if os.path.isabs(path) else os.path.join(os.getcwd(), path), dest)
        found[(rel, f["line"])].append(f["rule_id"])
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=os.path.join(ROOT, "target", "debug", "keylint"))
    ap.add_argument("--json", help="write per-format counts here")
    ap.add_argument("--keep", help="extract into this folder and keep it")
    ap.add_argument("--mirror", default="/work/.mirror")
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "keylint-credeval-debs"))
    ap.add_argument("--misses", action="store_true", help="list every missed label")
    args = ap.parse_args()
    manifest = json.load(open(os.path.join(HERE, "manifest.json")))
    dest = args.keep or tempfile.mkdtemp(prefix="keylint-credeval-")
    if args.keep and os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest, exist_ok=True)
    placed, skipped = materialize(manifest["entries"], dest, args.mirror, args.cache)
    found = scan(args.binary, dest)
    per = defaultdict(lambda: {"labels": 0, "found": 0, "files": 0, "unlabelled_findings": 0})
    misses, extras = [], []
    for e, rel, lines in placed:
        fmt = per[e["format"]]
        fmt["files"] += 1
        for n in lines:
            fmt["labels"] += 1
            if (rel, n) in found:
                fmt["found"] += 1
            else:
                misses.append((e["format"], rel, n))
        for (path, n), rules in found.items():
            if path == rel and n not in lines:
                fmt["unlabelled_findings"] += 1
                extras.append((e["format"], rel, n, rules))
    total = {"labels": 0, "found": 0, "files": 0, "unlabelled_findings": 0}
    print(f"{'format':16} {'files':>5} {'recall':>14} {'unlabelled':>10}")
    for name in sorted(per):
        c = per[name]
        for k in total:
            total[k] += c[k]
        recall = f"{c['found']}/{c['labels']}" + (f" = {c['found'] / c['labels']:.2f}" if c["labels"] else "")
        print(f"{name:16} {c['files']:5} {recall:>14} {c['unlabelled_findings']:10}")
    print(f"{'all':16} {total['files']:5} {total['found']}/{total['labels']} = "
          f"{total['found'] / max(total['labels'], 1):.2f} {total['unlabelled_findings']:10}")
    for e, why in skipped:
        print("skipped:", why)
    for fmt, rel, n, rules in extras:
        print(f"unlabelled finding: {fmt} {rel}:{n} {','.join(rules)}")
    if args.misses:
        for fmt, rel, n in misses:
            print(f"missed: {fmt} {rel}:{n}")
    if args.json:
        json.dump({"formats": per, "total": total, "skipped": len(skipped)}, open(args.json, "w"), indent=1)
    if not args.keep:
        shutil.rmtree(dest)


if __name__ == "__main__":
    main()
