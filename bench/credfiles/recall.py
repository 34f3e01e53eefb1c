#!/usr/bin/env python3
"""Recall per format of keylint on bench/credfiles/samples (labels.json):
a labelled (file, line) counts as found when any finding is on it.  Also
prints findings on unlabelled lines (false positives).
Usage: python3 bench/credfiles/recall.py [path/to/keylint]"""
import json, os, subprocess, sys
from collections import defaultdict

here = os.path.dirname(os.path.abspath(__file__))
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "target", "debug", "keylint")
samples = os.path.join(here, "samples")
out = subprocess.run([binary, "scan", samples, "--no-config", "--format", "json"], capture_output=True, text=True)
report = json.loads(out.stdout)
found = {(os.path.relpath(os.path.join(os.getcwd(), f["path"]) if not os.path.isabs(f["path"]) else f["path"], samples), f["line"]) for f in report["findings"]}
labels = json.load(open(os.path.join(here, "labels.json")))["files"]
per = defaultdict(lambda: [0, 0])
wanted = set()
for path, entry in labels.items():
    fmt = path.split("/")[0]
    for line in entry["lines"]:
        wanted.add((path, line))
        per[fmt][1] += 1
        per[fmt][0] += (path, line) in found
total = [0, 0]
for fmt in sorted(per):
    hit, n = per[fmt]
    total[0] += hit; total[1] += n
    print(f"{fmt:12} recall {hit}/{n} = {hit / n:.2f}")
print(f"{'all':12} recall {total[0]}/{total[1]} = {total[0] / max(total[1], 1):.2f}")
for extra in sorted(found - wanted):
    print("unlabelled finding:", extra)
