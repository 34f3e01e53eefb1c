#!/usr/bin/env python3
"""Precision of keylint on third-party trees (issue 15, "Measure").

Scans each tree built by install.sh with the given binary, joins the
findings with verdicts.tsv on (tree, path, line, rule_id, fingerprint) and
prints, per tree: findings, real / test-or-doc / not-a-credential /
untriaged counts, and precision = (real + test) / findings, untriaged
findings counted as false.

  measure.py --binary target/release/keylint [--trees /tmp/prec] [--save out.json]
  measure.py --compare before.json after.json   # true findings lost / gained

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
TREES = ["py-cloud", "py-ai", "npm-cloud"]
KEY = ("tree", "path", "line", "rule_id", "fingerprint")


def scan(binary, root, tree):
    out = subprocess.run(
        [binary, "scan", os.path.join(root, tree), "--no-config", "--format", "json"],
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


def load_verdicts(path):
    verdicts = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            verdicts[tuple(row[k] for k in KEY)] = row["verdict"]
    return verdicts


def table(findings, verdicts):
    print(f"{'tree':<10} {'findings':>8} {'real':>5} {'test':>5} {'fp':>5} {'untriaged':>9} {'precision':>9}")
    for tree in TREES:
        mine = [f for f in findings if f["tree"] == tree]
        counts = {"real": 0, "test": 0, "fp": 0, "untriaged": 0}
        for f in mine:
            counts[verdicts.get(tuple(f[k] for k in KEY), "untriaged")] += 1
        true = counts["real"] + counts["test"]
        precision = true / len(mine) if mine else 1.0
        print(
            f"{tree:<10} {len(mine):>8} {counts['real']:>5} {counts['test']:>5} "
            f"{counts['fp']:>5} {counts['untriaged']:>9} {precision:>9.2f}"
        )


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
    parser.add_argument("--trees", default="/tmp/prec")
    parser.add_argument("--verdicts", default=os.path.join(HERE, "verdicts.tsv"))
    parser.add_argument("--save")
    parser.add_argument("--compare", nargs=2)
    args = parser.parse_args()
    verdicts = load_verdicts(args.verdicts) if os.path.exists(args.verdicts) else {}
    if args.compare:
        compare(*args.compare, verdicts)
        return
    findings = [f for tree in TREES for f in scan(args.binary, args.trees, tree)]
    if args.save:
        json.dump(findings, open(args.save, "w"), indent=1)
    table(findings, verdicts)


if __name__ == "__main__":
    main()
