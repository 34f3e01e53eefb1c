#!/usr/bin/env python3
"""Count, per rule keyword, how often keylint's keyword pass fires on a corpus.

keylint's first pass is one overlapping, ASCII case-insensitive
Aho-Corasick search over every keyword of every rule; each hit makes its
line a candidate for every rule that owns the keyword (a `keyword_scope =
"file"` rule: the whole file).  A short keyword that occurs everywhere
makes every line a candidate and costs regex runs.  This script counts,
for each keyword:

  hits    overlapping occurrences (what the Aho-Corasick pass reports)
  lines   distinct lines holding it (the candidate lines it creates)
  only    lines where it is the ONLY keyword (lines that stop being
          candidates if it is removed or lengthened)
  runs    lines x rules owning it (an upper bound on the regex runs it
          triggers; rules sharing a line are counted once per line in the
          totals)

and prints the top keywords by hits with the rules they trigger.

Usage:
  python3 bench/keyword_hits.py [--rules DIR] [--top N] CORPUS...

CORPUS is a directory (walked like `keylint scan --no-config`, roughly:
every regular file, binary files -- a NUL in the first 8 KiB -- and files
over 25 MiB skipped, no .git) or `git:GITDIR` (every blob of the
repository, as `git cat-file --batch-all-objects --batch` prints them:
what `keylint history` reads).  --rules defaults to this checkout's
rules/ (rules/*.toml and rules/providers/*.toml; rules/known-test-values.toml
holds no rules).  Needs pyahocorasick (`pip install pyahocorasick`).
"""

import argparse
import bisect
import collections
import glob
import os
import re
import subprocess
import sys
import tomllib

try:
    import ahocorasick
except ImportError:
    sys.exit("needs pyahocorasick: pip install pyahocorasick")

MAX_SIZE = 25 * 1024 * 1024
NEWLINE = re.compile(b"\n")


def load_keywords(rules_dir):
    """keyword (lower-case) -> list of (rule id, scope)."""
    owners = collections.defaultdict(list)
    files = sorted(glob.glob(os.path.join(rules_dir, "*.toml"))) + sorted(
        glob.glob(os.path.join(rules_dir, "providers", "*.toml"))
    )
    for path in files:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        for rule in doc.get("rule", []):
            scope = rule.get("keyword_scope", "line")
            for kw in rule.get("keywords", []):
                owners[kw.lower()].append((rule["id"], scope))
    return owners


def walk(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                if not os.path.isfile(path) or os.path.islink(path):
                    continue
                if os.path.getsize(path) > MAX_SIZE:
                    continue
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if b"\0" in data[:8192]:
                continue
            yield data


def blobs(git_dir):
    proc = subprocess.Popen(
        ["git", "--git-dir", git_dir, "cat-file", "--batch-all-objects", "--batch"],
        stdout=subprocess.PIPE,
    )
    out = proc.stdout
    while True:
        header = out.readline()
        if not header:
            break
        parts = header.split()
        size = int(parts[2])
        body = out.read(size)
        out.read(1)
        if parts[1] != b"blob" or size > MAX_SIZE or b"\0" in body[:8192]:
            continue
        yield body
    proc.wait()


class Counts:
    def __init__(self, owners):
        self.owners = owners
        self.auto = ahocorasick.Automaton()
        for kw in owners:
            self.auto.add_word(kw, kw)
        self.auto.make_automaton()
        self.hits = collections.Counter()
        self.lines = collections.Counter()
        self.only = collections.Counter()
        self.files = 0
        self.bytes = 0
        self.total_lines = 0
        self.candidate_lines = 0
        self.rule_lines = 0  # distinct (line, line-scope rule) pairs

    def add(self, data):
        self.files += 1
        self.bytes += len(data)
        self.total_lines += data.count(b"\n") + 1
        text = data.lower().decode("latin-1")  # ASCII-only case folding, 1 char per byte
        found = list(self.auto.iter(text))
        if not found:
            return
        newlines = [m.start() for m in NEWLINE.finditer(data)] if len(found) > 64 else None
        per_line = collections.defaultdict(set)
        for end, kw in found:
            self.hits[kw] += 1
            start = end - len(kw) + 1
            if newlines is not None:
                line = bisect.bisect_left(newlines, start)
            else:
                line = text.count("\n", 0, start)
            per_line[line].add(kw)
        self.candidate_lines += len(per_line)
        for kws in per_line.values():
            for kw in kws:
                self.lines[kw] += 1
            if len(kws) == 1:
                self.only[next(iter(kws))] += 1
            rules = {r for kw in kws for r, scope in self.owners[kw] if scope == "line"}
            self.rule_lines += len(rules)


def report(name, c, top):
    total_hits = sum(c.hits.values())
    print(f"## {name}")
    print()
    print(
        f"{c.files} files, {c.bytes / 1e6:.1f} MB, {c.total_lines} lines; "
        f"{total_hits} keyword hits, {c.candidate_lines} candidate lines "
        f"({100 * c.candidate_lines / max(1, c.total_lines):.1f}%), "
        f"{c.rule_lines} (line, rule) pairs"
    )
    print()
    print("| keyword | hits | lines | only | runs | rules |")
    print("|---|---:|---:|---:|---:|---|")
    for kw, n in c.hits.most_common(top):
        rules = c.owners[kw]
        ids = ", ".join(r + (" (file)" if s == "file" else "") for r, s in rules[:4])
        if len(rules) > 4:
            ids += f", +{len(rules) - 4}"
        shown = kw.replace("|", "\\|")
        print(
            f"| `{shown}` | {n} | {c.lines[kw]} | {c.only[kw]} | {c.lines[kw] * len(rules)} | {ids} |"
        )
    print()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rules", default=os.path.join(here, "..", "rules"))
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("corpus", nargs="+")
    args = ap.parse_args()
    owners = load_keywords(args.rules)
    n_rules = len({r for rules in owners.values() for r, _ in rules})
    print(f"{len(owners)} keywords of {n_rules} rules in {os.path.normpath(args.rules)}")
    print()
    for corpus in args.corpus:
        c = Counts(owners)
        source = blobs(corpus[4:]) if corpus.startswith("git:") else walk(corpus)
        for data in source:
            c.add(data)
        report(corpus, c, args.top)


if __name__ == "__main__":
    main()
