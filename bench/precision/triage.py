#!/usr/bin/env python3
"""How verdicts.tsv was made: every finding of the before and after runs
(measure.py --save) was looked at, grouped by what it is.  The groups, and
the verdict each got, are written out below so the triage can be checked
and redone; `--review` prints each finding's source line (unredacted: run
it only on these public trees) with its verdict for a second look.

  triage.py before.json after.json [--trees /tmp/prec] [--review] > verdicts.tsv
  triage.py all.json --keep verdicts.tsv > new.tsv   # add the fetched trees

The fetched trees (trees.tsv) were triaged by reading every finding's line
and its surroundings; FETCHED below records each group, first match wins,
keyed on tree, rule, path and the line's text (the text is read at triage
time only; verdicts.tsv keeps no value).  `--keep` carries over the rows of
an existing verdicts file that this run does not re-triage.
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


# (tree, rule, path, line) regexes -> verdict, reason.  `real`: a live-looking
# credential not marked as a sample; `test`: a test, sample, training or
# documentation credential; `fp`: not a credential.
FETCHED = [
    # dotfiles, compose, Kubernetes, Helm, serverless, Spring samples
    ("docker-awesome-compose", "dotenv-password-weak", r"\.env$", r"PW=", "test", "sample .env default password (changeit) of a compose example"),
    ("docker-library-docs", "generic-secret-assignment", r"bonita/", r"HTTP_API_PASSWORD", "test", "docker run example password in image docs"),
    ("docker-library-docs", "twitter-bearer-token", r"\.svg$", r"", "fp", "run of A's and base64 inside an embedded image in an SVG logo"),
    ("kubernetes-examples", "generic-env-secret", r"secret\.yaml$", r"password:", "test", "base64 example password in a sample Secret manifest"),
    ("bitnami-charts", "url-basic-auth", r"README\.md$", r"USERNAME:PERSONAL_ACCESS_TOKEN@", "fp", "placeholder user:token in a documentation URL"),
    ("bitnami-charts", "generic-secret-assignment", r"README\.md$", r"airflow-(password|secret-key)", "test", "base64 example values in a documented Secret"),
    ("bitnami-charts", "private-key", r"chainloop/templates/_helpers\.tpl$", r"PRIVATE KEY", "test", "chart's DEVELOPMENT ONLY signing key, labelled as such"),
    ("bitnami-charts", "generic-env-secret", r"dex/secret\.yaml$", r"secret:", "test", "base64 of an example app secret in a dev Dex config"),
    ("bitnami-charts", "private-key", r"concourse/values\.yaml$", r"PRIVATE KEY", "test", "example host / session / worker keys copied from the upstream chart's values"),
    ("bitnami-charts", "mongodb-url", r"README\.md$", r"DB_USER:DB_PASSWORD@", "fp", "placeholder user:password in a documented connection string"),
    ("serverless-examples", "generic-env-secret", r"README\.md$", r"arn:aws:lambda", "fp", "Lambda ARN of a function named ...resetPassword in deploy output"),
    ("spring-projects-spring-petclinic", "sql-dump-password", r"user\.sql$", r"IDENTIFIED BY", "test", "sample app's database user password (= user name) in its setup SQL"),
    ("huginn-huginn", "generic-env-secret", r"docker/secrets\.env$", r"APP_SECRET_TOKEN", "real", "Rails secret token shipped as the docker-compose default, not marked as a sample (live wherever kept)"),
    ("huginn-huginn", "generic-secret-assignment", r"^spec/", r"api[_-]key", "test", "API key in an agent spec"),
    # apprise: a notification library whose tests name 100+ services
    ("caronc-apprise", "google-api-key", r"plugins/google_chat\.py$", r"key=AIza", "test", "webhook URL example in a docstring (Google Chat's shared webhook key)"),
    ("caronc-apprise", "generic-secret-assignment", r"plugins/twist\.py$", r"token", "test", "sample API response in a comment"),
    ("caronc-apprise", "url-basic-auth", r"^tests/", r"", "test", "user:password URL in URL-parsing tests"),
    ("caronc-apprise", "generic-secret-assignment", r"^tests/", r"", "test", "dummy token / key / secret in a plugin test"),
    ("caronc-apprise", "private-key", r"^tests/var/", r"PRIVATE KEY", "test", "test fixture key (mock service account / PGP test key)"),
    ("caronc-apprise", "gcp-project-mismatch", r"^tests/var/", r"client_email", "test", "mock service account fixture (mock-project vs mock-project-id)"),
    # juice-shop: a deliberately insecure training app; its keys, users and
    # TOTP seeds are published on purpose
    ("juice-shop-juice-shop", "generic-secret-assignment", r"checkKeys\.test\.ts$", r"0x02c7|0x8343", "fp", "Ethereum public key / wallet address sent as a wrong 'privateKey' in a test"),
    ("juice-shop-juice-shop", "generic-secret-assignment", r"checkKeys\.test\.ts$", r"0x5bcc", "test", "the training app's wallet private key (the challenge answer)"),
    ("juice-shop-juice-shop", "private-key", r"lib/insecurity\.ts$", r"PRIVATE KEY", "test", "training app's deliberately published JWT signing key"),
    ("juice-shop-juice-shop", "generic-secret-assignment", r"", r"", "test", "password / TOTP secret / token of a seeded training-app user"),
    ("juice-shop-juice-shop", "generic-env-secret", r"users\.yml$", r"totpSecret", "test", "TOTP secret of a seeded training-app user"),
    ("juice-shop-juice-shop", "jwt", r"", r"", "test", "JWT in a test (forged / sample session tokens)"),
    # rudder-transformer: an event router; tests carry payloads of 200+ services
    ("rudderlabs-rudder-transformer", "generic-secret-assignment", r"", r"(cart_token|checkout_token|order_token|cartToken)\b|shopify.*\btoken: '[0-9a-f]{32}'", "fp", "Shopify cart / checkout / order token: an object identifier"),
    ("rudderlabs-rudder-transformer", "generic-secret-assignment", r"/shopify/", r"\btoken: '", "fp", "Shopify cart / checkout / order token: an object identifier"),
    ("rudderlabs-rudder-transformer", "generic-secret-assignment", r"salesforce_router_metadata", r"authKey", "fp", "destInfo.authKey is the destination ID (a cache key), not a key"),
    ("rudderlabs-rudder-transformer", "generic-secret-assignment", r"one_signal/", r"token: '97c46c81", "fp", "device push-registration token: an address, not a credential"),
    ("rudderlabs-rudder-transformer", "generic-secret-assignment", r"", r"destInfo", "fp", "destInfo.authKey is the destination ID (a cache key), not a key"),
    ("rudderlabs-rudder-transformer", "generic-secret-assignment", r"", r"(browserToken|FirefoxPush|frfsgvrwe:AP)", "fp", "device push-registration token: an address, not a credential"),
    ("rudderlabs-rudder-transformer", "generic-secret-assignment", r"", r"Postman-Token", "fp", "Postman request id header"),
    ("rudderlabs-rudder-transformer", "generic-secret-assignment", r"", r"", "test", "API key / token / client secret in an integration test or example"),
    ("rudderlabs-rudder-transformer", "azure-sas-token", r"", r"sig=", "test", "signed blob URL captured in a test fixture"),
    ("rudderlabs-rudder-transformer", "jwt", r"", r"client_assertion", "test", "client-assertion JWT in a mocked token request"),
]


def fetched_verdict(finding, line):
    for tree, rule, path, text, v, note in FETCHED:
        if (
            finding["tree"] == tree
            and finding["rule_id"] == rule
            and re.search(path, finding["path"])
            and re.search(text, line)
        ):
            return v, note
    return None, "untriaged"


def verdict(finding, line):
    rule, path = finding["rule_id"], finding["path"]
    if any(finding["tree"] == entry[0] for entry in FETCHED):
        return fetched_verdict(finding, line)
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
    parser.add_argument("--keep", help="an existing verdicts.tsv whose other rows are kept")
    parser.add_argument("--fetched", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "trees.tsv"))
    args = parser.parse_args()
    commits = {row["name"]: row["commit"] for row in read_tsv(args.fetched)}
    seen = {}
    for run in args.runs:
        for f in json.load(open(run)):
            seen[(f["tree"], f["path"], f["line"], f["rule_id"], f["fingerprint"])] = f
    kept = {}
    if args.keep:
        for row in read_tsv(args.keep):
            key = (row["tree"], row["path"], row["line"], row["rule_id"], row["fingerprint"])
            if key not in seen:
                kept[key] = [row.get("commit") or commits.get(row["tree"], "install.sh"), row["verdict"], row["note"]]
    out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    if not args.review:
        out.writerow(["tree", "commit", "path", "line", "rule_id", "fingerprint", "verdict", "note"])
    rows = {}
    for key in sorted(seen):
        f = seen[key]
        with open(os.path.join(args.trees, f["tree"], f["path"]), errors="replace") as handle:
            lines = handle.read().split("\n")
        line = lines[int(f["line"]) - 1]
        v, note = verdict(f, line)
        if args.review:
            print(f"{v or '??':5} {f['tree']} {f['path']}:{f['line']} {f['rule_id']}: {line.strip()[:140]}")
        elif v:
            rows[key] = [commits.get(key[0], "install.sh"), v, note]
        else:
            print(f"untriaged: {key}", file=sys.stderr)
    if not args.review:
        for key, (commit, v, note) in sorted({**kept, **rows}.items()):
            out.writerow([key[0], commit, *key[1:], v, note])


def read_tsv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


if __name__ == "__main__":
    main()
