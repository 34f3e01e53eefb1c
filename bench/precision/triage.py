#!/usr/bin/env python3
"""How verdicts.tsv was made: every finding of the before and after runs
(measure.py --save) was looked at, grouped by what it is.  The groups, and
the verdict each got, are written out below so the triage can be checked
and redone; `--review` prints each finding's source line (unredacted: run
it only on these public trees) with its verdict for a second look.

  triage.py before.json after.json [--trees /tmp/prec] [--review] > verdicts.tsv
"""
import argparse
import csv
import json
import os
import re
import sys

# Names whose values are not credentials: pagination cursors, idempotency
# and concurrency tokens, handles, identifiers (AWS API docs describe each).
NOT_CREDENTIAL_NAMES = re.compile(
    r'"?(?:Next|Change|Lock|NextLock|Client|ClientRequest|clientRequest|Request|Idempotency|'
    r"LifecycleAction|PolicyUpdate|Export|Import|CopyProduct|NextContinuation|next|Grant|"
    r'SubjectFromWebIdentity)Token"?\s*[:=]'
)
# Credential-named values in SDK documentation and examples: sample
# passwords, keys and tokens, published on purpose.  Test-or-doc credentials.
DOC_CREDENTIAL_NAMES = re.compile(
    r'"?(?:Password|OldPassword|ServicePassword|LocalConsolePassword|authKey|AppServerPrivateKey|'
    r"token|SharedSecret|authorizationToken|clientSecret|passphrase|AppKey|NwkKey|ActivationKey|"
    r'TokenValue|RawSecretAccessKey)"?\s*[:=]'
)


def verdict(finding, line):
    rule, path = finding["rule_id"], finding["path"]
    if "devstoreaccount1" in line or "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50" in line:
        return "test", "Azurite emulator well-known key"
    if rule == "url-basic-auth" and "jo%40email.com" in line:
        return "test", "httpx docstring example URL credential"
    if rule == "aws-access-key-id" and "X-Amz-Credential" in line:
        return "test", "presigned-URL example in AWS CLI docs"
    if rule == "pypirc-password" and "{auth_token}" in line:
        return "fp", "template placeholder"
    if rule == "generic-env-secret" and path.endswith((".js", ".py", ".ts")):
        return "fp", "object field / assignment in code"
    if "METADATA_TOKEN" in line:
        return "fp", "header name constant"
    if NOT_CREDENTIAL_NAMES.search(line):
        return "fp", "pagination / idempotency / concurrency token or handle"
    if rule.startswith("generic-") and DOC_CREDENTIAL_NAMES.search(line):
        return "test", "sample credential in SDK documentation"
    return None, "untriaged"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--trees", default="/tmp/prec")
    parser.add_argument("--review", action="store_true")
    args = parser.parse_args()
    seen = {}
    for run in args.runs:
        for f in json.load(open(run)):
            seen[(f["tree"], f["path"], f["line"], f["rule_id"], f["fingerprint"])] = f
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    if not args.review:
        out.writerow(["tree", "path", "line", "rule_id", "fingerprint", "verdict", "note"])
    for key in sorted(seen):
        f = seen[key]
        with open(os.path.join(args.trees, f["tree"], f["path"]), errors="replace") as handle:
            lines = handle.read().split("\n")
        line = lines[int(f["line"]) - 1]
        v, note = verdict(f, line)
        if args.review:
            print(f"{v or '??':5} {f['tree']} {f['path']}:{f['line']} {f['rule_id']}: {line.strip()[:140]}")
        elif v:
            out.writerow([*key, v, note])
        else:
            print(f"untriaged: {key}", file=sys.stderr)


if __name__ == "__main__":
    main()
