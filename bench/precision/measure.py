#!/usr/bin/env python3
"""Precision of keylint on third-party trees (issue 15, "Measure").

Scans each tree with the given binary, joins the findings with
verdicts.tsv on (tree, path, line, rule_id, fingerprint) and prints, per
tree: findings, real / test-or-doc / not-a-credential / untriaged counts,
precision = (real + test) / findings (untriaged counted as false), the same
precision over the findings of confidence >= medium (what the GitHub Action
reports by default), and a breakdown by rule origin.

  measure.py --binary BIN                        # the three install.sh trees under --trees
  measure.py --binary BIN --tree NAME=PATH ...   # any trees, e.g. fetched repositories
  measure.py --binary BIN --all                  # install.sh trees + every trees.tsv tree under --trees
  measure.py --compare before.json after.json    # true findings lost / gained

Fetched trees are listed in trees.tsv (name, source, commit) and checked
out with checkout.sh, which writes PATH.commit next to the tree; a tree
whose commit differs from the one its verdicts were made on is flagged.
Nothing fetched is committed: only the verdicts (path, line, rule, a
fingerprint, the verdict and a one-line reason) and the numbers.

Verdicts: `real` (a live-looking credential), `test` (a test, sample or
documentation credential: still a credential, so a true positive), `fp`
(not a credential).  Findings are scanned with --no-config and default
options (what a user sees), so known test values are not counted: they are
reported as suppressed, not as findings.
"""
import argparse
import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
INSTALLED = ["py-cloud", "py-ai", "npm-cloud"]
CONFIDENT = ("medium", "high")
ORIGINS = ["provider", "extractor", "catch-all", "built-in"]
KEY = ("tree", "path", "line", "rule_id", "fingerprint")


def scan(binary, tree, path):
    out = subprocess.run(
        [binary, "scan", path, "--no-config", "--format", "json"],
        capture_output=True,
        check=False,
    )
    if out.returncode not in (0, 1):
        sys.exit(f"scan of {tree} failed ({out.returncode}): {out.stderr.decode()}")
    report = json.loads(out.stdout)
    return [
        {
            "tree": tree,
            "path": f["uri"],
            "line": str(f["line"]),
            "rule_id": f["rule_id"],
            "fingerprint": f["fingerprint"],
            "confidence": f.get("confidence", ""),
            "snippet": f["snippet"],
        }
        for f in report["findings"]
    ]


def rule_origins(rules_dir):
    """rule id -> origin: `provider` (rules/providers/), `extractor`
    (extractor = true, src/credfiles), `catch-all` (generic-*), `built-in`."""
    import tomllib

    origins = {}
    for folder, _, files in os.walk(rules_dir):
        for name in files:
            if not name.endswith(".toml"):
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                for rule in tomllib.load(handle).get("rule", []):
                    if os.path.basename(folder) == "providers":
                        origin = "provider"
                    elif rule.get("extractor"):
                        origin = "extractor"
                    elif rule["id"].startswith("generic-"):
                        origin = "catch-all"
                    else:
                        origin = "built-in"
                    origins[rule["id"]] = origin
    return origins


def load_verdicts(path):
    verdicts, commits = {}, {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            verdicts[tuple(row[k] for k in KEY)] = row["verdict"]
            commits[row["tree"]] = row.get("commit", "")
    return verdicts, commits


def load_fetched(path):
    with open(path, newline="") as handle:
        return {row["name"]: row for row in csv.DictReader(handle, delimiter="\t")}


def counts_of(findings, verdicts):
    counts = {"findings": len(findings), "real": 0, "test": 0, "fp": 0, "untriaged": 0}
    for f in findings:
        counts[verdicts.get(tuple(f[k] for k in KEY), "untriaged")] += 1
    return counts


def precision(counts):
    if not counts["findings"]:
        return "-"
    return f"{(counts['real'] + counts['test']) / counts['findings']:.2f}"


def row(label, findings, verdicts, width):
    c = counts_of(findings, verdicts)
    confident = [f for f in findings if f["confidence"] in CONFIDENT]
    cm = counts_of(confident, verdicts)
    return (
        f"{label:<{width}} {c['findings']:>8} {c['real']:>5} {c['test']:>5} {c['fp']:>5} "
        f"{c['untriaged']:>9} {precision(c):>9} {cm['findings']:>10} {precision(cm):>11}"
    )


def table(findings, verdicts, trees, origins):
    width = max([10] + [len(t) for t in trees])
    head = (
        f"{'':<{width}} {'findings':>8} {'real':>5} {'test':>5} {'fp':>5} {'untriaged':>9} "
        f"{'precision':>9} {'>=medium':>10} {'prec>=med':>11}"
    )
    print(head.replace(" " * width, "tree".ljust(width), 1))
    for tree in trees:
        print(row(tree, [f for f in findings if f["tree"] == tree], verdicts, width))
    print(row("all", findings, verdicts, width))
    print()
    print(head.replace(" " * width, "origin".ljust(width), 1))
    for origin in ORIGINS:
        mine = [f for f in findings if origins.get(f["rule_id"], "built-in") == origin]
        print(row(origin, mine, verdicts, width))


def compare(before_path, after_path, verdicts):
    before = json.load(open(before_path))
    after = json.load(open(after_path))
    # Same secret at the same place, whichever rule reports it.
    place = lambda f: (f["tree"], f["path"], f["line"])
    after_places = {place(f) for f in after}
    before_places = {place(f) for f in before}
    for label, source, other in (("lost", before, after_places), ("new", after, before_places)):
        print(f"-- true findings {label}:")
        for f in source:
            verdict = verdicts.get(tuple(f[k] for k in KEY), "untriaged")
            if verdict in ("real", "test") and place(f) not in other:
                print(f"  {f['tree']} {f['path']}:{f['line']} {f['rule_id']} ({verdict})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary")
    parser.add_argument("--trees", default="/tmp/prec", help="where install.sh and checkout.sh put the trees")
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--all", action="store_true", help="the install.sh trees and every trees.tsv tree")
    parser.add_argument("--verdicts", default=os.path.join(HERE, "verdicts.tsv"))
    parser.add_argument("--fetched", default=os.path.join(HERE, "trees.tsv"))
    parser.add_argument("--rules", default=os.path.join(REPO, "rules"))
    parser.add_argument("--save")
    parser.add_argument("--load", help="a --save file instead of scanning")
    parser.add_argument("--compare", nargs=2)
    args = parser.parse_args()
    verdicts, commits = load_verdicts(args.verdicts) if os.path.exists(args.verdicts) else ({}, {})
    if args.compare:
        compare(*args.compare, verdicts)
        return
    trees = {}
    if args.all or not args.tree:
        trees.update((name, os.path.join(args.trees, name)) for name in INSTALLED)
    if args.all:
        trees.update((name, os.path.join(args.trees, name)) for name in load_fetched(args.fetched))
    for spec in args.tree:
        name, sep, path = spec.partition("=")
        if not sep:
            sys.exit(f"--tree {spec}: expected NAME=PATH")
        trees[name] = path
    missing = [name for name, path in trees.items() if not os.path.isdir(path)]
    if missing and not args.load:
        sys.exit(
            f"not there: {', '.join(missing)} under {args.trees} "
            "(bench/precision/install.sh builds the SDK trees, checkout.sh the trees.tsv ones)"
        )
    for name, path in trees.items():
        check_commit(name, path, commits.get(name, ""))
    if args.load:
        findings = [f for f in json.load(open(args.load)) if f["tree"] in trees]
    else:
        findings = [f for name, path in trees.items() for f in scan(args.binary, name, path)]
    if args.save:
        json.dump(findings, open(args.save, "w"), indent=1)
    table(findings, verdicts, list(trees), rule_origins(args.rules))


def check_commit(name, path, triaged_at):
    """A fetched tree's verdicts hold only for the commit they were made on."""
    stamp = path.rstrip("/") + ".commit"
    if not os.path.exists(stamp) or not triaged_at:
        return
    commit = open(stamp).read().strip()
    if commit != triaged_at:
        print(f"warning: {name} is at {commit}, its verdicts were made at {triaged_at}", file=sys.stderr)


if __name__ == "__main__":
    main()
