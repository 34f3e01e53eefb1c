#!/usr/bin/env python3
"""Recall of keylint's rules on other scanners' examples (third-party, not ours).

  measure.py --keylint BIN --examples /tmp/recall/examples.jsonl \
      [--results bench/recall/RESULTS.md] [--work /tmp/recall/work] \
      [--sources "kingfisher abc123 …"] [--show-misses PROVIDER] [--show-mapping]

Each example (from extract.py) is mapped to keylint providers by its
provider name (lowercased, non-alphanumerics dropped; ALIASES below; else
the longest keylint provider of 4+ characters the name starts with:
`hubspotapikey` -> hubspot).  Every example is scanned twice, each in its own
directory of a temporary tree, one `keylint scan DIR --format json
--no-config --show-suppressed` per layout:

- raw:     `example.txt`, the text exactly as the other scanner wrote it;
- wrapped: `config.py`, the text as `TOKEN = "<text>"` (keyword-anchored
           rules need a name; many third-party examples are bare tokens).

An example counts as found by its provider when a reported finding in its
file has one of the mapped providers (or rules); found by any rule when any
finding is reported (generic catch-alls included).  A match set aside as a
known test value is not reported: it is counted apart (`test value`).
Negative examples are scanned the same way: a reported finding on one is a
false alarm (for trufflehog negatives, often the same key out of keyword
range: read that row with care).

--show-misses prints the missed examples of one provider (third-party text:
the terminal only, never the repository).
"""
import argparse
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Other scanners' names -> keylint providers (or "rule:ID" for one rule).
# Only renames; a name that normalises to a keylint provider needs no entry.
ALIASES = {
    "msteams": ["microsoftteams", "microsoft"],
    "microsoftteamswebhook": ["microsoftteams", "microsoft"],
    "jwt": ["rule:jwt"],
    "pem": ["rule:private-key", "rule:putty-private-key", "ssh"],
    "privkey": ["rule:private-key", "rule:putty-private-key", "ssh"],
    "privatekey": ["rule:private-key", "rule:putty-private-key", "ssh"],
    "mongodb": ["rule:mongodb-url", "database"],
    "postgresql": ["postgres", "rule:postgres-url", "database"],
    "rabbitmq": ["amqp", "rule:amqp-url"],
    "netrc": ["rule:netrc-password", "rule:netrc-password-weak"],
    "jira": ["atlassian"],
    "jiratoken": ["atlassian"],
    "confluence": ["atlassian"],
    "bitbucket": ["atlassian"],
    "bitbucketapppassword": ["atlassian"],
    "atlassiandatacenter": ["atlassian"],
    "hashicorpvault": ["vault", "hashicorp"],
    "hashicorpvaultauth": ["vault", "hashicorp"],
    "dockerhub": ["docker"],
    "sendinblue": ["brevo"],
    "sendinbluev2": ["brevo"],
    "youtube": ["google"],
    "youtubeapikey": ["google"],
    "gemini": ["google"],
    "googlegemini": ["google"],
    "gcpapplicationdefaultcredentials": ["gcp", "google"],
    "nvapi": ["nvidia"],
    "ngc": ["nvidia"],
    "sauce": ["saucelabs"],
    "chatfule": ["chatfuel"],  # trufflehog's spelling
    "exchangeratesapi": ["exchangerateapi"],
    "frame": ["frameio"],
    "kanban": ["kanbantool"],
    "weightsandbiases": ["wandb"],
    "s3": ["aws"],
    "arn": ["aws"],
    "krb5": ["krb5asrep23"],
    "azurestorage": ["azure"],
    "sonarqube": ["sonar"],
    "sonarcloud": ["sonar"],
    # keylint spells some providers two ways (rules written apart): count both
    "crates": ["crates", "cratesio"],
    "cratesio": ["crates", "cratesio"],
    "box": ["box", "boxcom"],
    "boxcom": ["box", "boxcom"],
    "fly": ["fly", "flyio"],
    "flyio": ["fly", "flyio"],
    "iexcloud": ["iexcloud", "iexapis"],
    "iexapis": ["iexcloud", "iexapis"],
    "npmtoken": ["npm"],
    "npmtokenv2": ["npm"],
    "ibmclouduserkey": ["ibm"],
    "ipquality": ["ipqualityscore"],
    "uri": ["rule:url-basic-auth"],
    "http": ["rule:url-basic-auth"],
    "jdbc": ["rule:connection-string-password", "database"],
    "sqlserver": ["rule:connection-string-password", "database"],
}
# Prefix matches that would be wrong (a different company).
PREFIX_DENY = {"squarespace"}


def norm(name):
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


def load_rules(binary):
    out = subprocess.run([binary, "rules", "list", "--format", "json"], capture_output=True, check=True)
    rules = json.loads(out.stdout)
    new = set()
    for path in glob.glob(os.path.join(REPO, "rules", "providers", "*.toml")):
        with open(path, "rb") as fh:
            new.update(r["id"] for r in tomllib.load(fh).get("rule", []))
    for r in rules:
        r["new"] = r["id"] in new
        r["pnorm"] = norm(r["provider"])
    return rules


def provider_mapper(rules):
    providers = {r["pnorm"] for r in rules if r["pnorm"]}
    by_length = sorted((p for p in providers if len(p) >= 4), key=len, reverse=True)

    def targets(name):
        n = norm(name)
        if n in ALIASES:
            return ALIASES[n], "alias"
        if n in providers:
            return [n], "exact"
        if n not in PREFIX_DENY:
            for p in by_length:
                if n.startswith(p):
                    return [p], "prefix"
        return None, None

    def mapper(row):
        for cand in [row["provider"]] + row.get("provider_alt", []):
            t, how = targets(cand)
            if t:
                return t, how
        return None, None

    return mapper


def finding_matches(finding, targets):
    for t in targets:
        if t.startswith("rule:"):
            if finding["rule_id"] == t[5:]:
                return True
        elif norm(finding.get("provider")) == t:
            return True
    return False


# Diagnostic only: the raw text with `name key` joined to `name_key` (how
# many misses are the provider name and the key word being apart).
JOIN_NAME_KEY = re.compile(
    r"(?i)\b([a-z][a-z0-9]{2,})[ \t]+(?=(?:api[ _-]?)?(?:key|token|secret|id|pat|password|access)\b)")

# A value of a synthetic look: a run like abcdef / 123456 / AAAAAA.
SYNTHETIC = re.compile(r"(?i)abcdef|bcdefg|123456|234567|(.)\1{5,}|xxxx|fake|example|1a2b3c|a1b2c3")

LAYOUTS = {
    "raw": ("example.txt", lambda text: text),
    "wrapped": ("config.py", lambda text: f'TOKEN = "{text}"\n'),
    "joined": ("example.txt", lambda text: JOIN_NAME_KEY.sub(r"\1_", text)),
}


def scan_layout(binary, work, rows, layout):
    fname, render = LAYOUTS[layout]
    root = os.path.join(work, layout)
    shutil.rmtree(root, ignore_errors=True)
    for i, row in enumerate(rows):
        d = os.path.join(root, f"{i:05d}")
        os.makedirs(d)
        with open(os.path.join(d, fname), "w", encoding="utf-8", errors="surrogateescape", newline="") as fh:
            fh.write(render(row["text"]))
    out = subprocess.run(
        [binary, "scan", root, "--format", "json", "--no-config", "--show-suppressed", "--no-ignore"],
        capture_output=True, check=False,
    )
    if out.returncode not in (0, 1):
        sys.exit(f"keylint scan of {root} failed ({out.returncode}): {out.stderr.decode()[:2000]}")
    report = json.loads(out.stdout)
    if report["summary"]["files_scanned"] != len(rows):
        sys.exit(f"{root}: scanned {report['summary']['files_scanned']} files of {len(rows)}: "
                 f"skipped {report['skipped'][:5]}")
    found = collections.defaultdict(list)
    suppressed = collections.defaultdict(list)
    for f in report["findings"]:
        found[int(f["uri"].split("/")[0])].append(f)
    for f in report.get("suppressed", []):
        if f.get("suppressed_by") == "test_value":
            suppressed[int(f["uri"].split("/")[0])].append(f)
    return found, suppressed


def measure(binary, examples, work):
    rules = load_rules(binary)
    mapper = provider_mapper(rules)
    rows = [json.loads(line) for line in open(examples, encoding="utf-8")]
    for row in rows:
        row["targets"], row["how"] = mapper(row)
    scans = {layout: scan_layout(binary, work, rows, layout) for layout in LAYOUTS}
    for i, row in enumerate(rows):
        for layout, (found, suppressed) in scans.items():
            fs = found.get(i, [])
            row[layout] = {
                "any": bool(fs),
                "provider": bool(row["targets"]) and any(finding_matches(f, row["targets"]) for f in fs),
                "rules": sorted({f["rule_id"] for f in fs if row["targets"] and finding_matches(f, row["targets"])}),
                "other_rules": sorted({f["rule_id"] for f in fs}),
                "test_value": any(finding_matches(f, row["targets"] or []) for f in suppressed.get(i, [])),
            }
    return rules, rows


# ------------------------------------------------------------------ report

def pct(n, d):
    return f"{n / d:.3f}" if d else "–"


def summary_cells(rs):
    n = len(rs)
    raw = sum(r["raw"]["provider"] for r in rs)
    wr = sum(r["wrapped"]["provider"] for r in rs)
    either = sum(r["raw"]["provider"] or r["wrapped"]["provider"] for r in rs)
    anyr = sum(r["raw"]["any"] for r in rs)
    anyw = sum(r["wrapped"]["any"] for r in rs)
    tv = sum((r["raw"]["test_value"] or r["wrapped"]["test_value"])
             and not (r["raw"]["provider"] or r["wrapped"]["provider"]) for r in rs)
    missed = [r for r in rs if not (r["raw"]["provider"] or r["wrapped"]["provider"])]
    synthetic = sum(bool(SYNTHETIC.search(r["text"])) for r in missed)
    joined = sum(r["raw"]["provider"] or r["wrapped"]["provider"] or r["joined"]["provider"] for r in rs)
    return [n, raw, pct(raw, n), wr, pct(wr, n), either, pct(either, n), pct(anyr, n), pct(anyw, n), tv,
            synthetic, pct(joined, n)]


SUMMARY_HEAD = ("| examples | found raw | recall raw | found wrapped | recall wrapped | found either | "
                "recall either | any rule raw | any rule wrapped | test value only | misses synthetic-looking "
                "| recall if name+key joined |\n"
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def row_line(label, cells, extra=()):
    return "| " + " | ".join([label, *map(str, extra), *map(str, cells)]) + " |"


def provider_classes(rules):
    """provider -> (class new/old/mixed, confidence class of its new rules, rules)."""
    byp = collections.defaultdict(list)
    for r in rules:
        byp[r["pnorm"]].append(r)
    out = {}
    for p, rs in byp.items():
        has_new, has_old = any(r["new"] for r in rs), any(not r["new"] for r in rs)
        kind = "mixed" if has_new and has_old else ("new" if has_new else "old")
        confs = sorted({r["confidence"] for r in rs if r["new"]})
        out[p] = (kind, "+".join(confs) if confs else "–", rs)
    return out


def miss_cause(r):
    text = r["text"].strip()
    if SYNTHETIC.search(text):
        return "synthetic"
    if r["joined"]["provider"]:
        return "apart"
    if len([line for line in text.split("\n") if line.strip()]) > 1:
        return "multiline"
    if not re.search(r"[:=]", text):
        return "noassign"
    return "other"


def report(rules, rows, sources):
    classes = provider_classes(rules)
    pos = [r for r in rows if r["polarity"] == "positive"]
    neg = [r for r in rows if r["polarity"] == "negative"]
    mapped = [r for r in pos if r["targets"]]

    def prov_of(r):  # the keylint providers an example counts for (rule: targets -> the rule's provider)
        ps = set()
        for t in r["targets"]:
            if t.startswith("rule:"):
                ps.update(x["pnorm"] for x in rules if x["id"] == t[5:])
            else:
                ps.add(t)
        return ps

    for r in mapped:
        r["kprov"] = prov_of(r)
    covered = {p for r in mapped for p in r["kprov"]}
    new_providers = {p for p, (k, _, _) in classes.items() if k in ("new", "mixed")}
    new_rules = [r for r in rules if r["new"]]

    L = []
    L.append("# Recall on third-party examples\n")
    L.append("Generated by `bench/recall/measure.py` (see the README, \"How accuracy is measured\"). "
             "Examples come from other scanners' rule files and tests, extracted by "
             "`bench/recall/extract.py`; none is stored here, only counts.\n")
    L.append("Sources (snapshot commits):\n")
    for s in sources:
        L.append(f"- {s}")
    L.append("")
    L.append("Columns: *raw* = the example exactly as written, in `example.txt`; *wrapped* = "
             "`TOKEN = \"<example>\"` in `config.py`; *found* = a reported finding by a rule of the "
             "mapped provider; *either* = found in one layout or the other; *any rule* = share with "
             "any reported finding (generic catch-alls included); *test value only* = matched by "
             "the provider's rule but set aside as a known test value (not counted as found); "
             "*misses synthetic-looking* = missed examples whose text has a run like `abcdef`, `123456`, "
             "`AAAAAA`, `xxxx`, `a1b2c3`, `fake`, `example` (values keylint's entropy floor and placeholder "
             "filter are meant to drop); *recall if name+key joined* (diagnostic) = found in some "
             "layout, counting also the raw text with `<name> <key word>` rewritten `<name>_<key word>` "
             "(`acme token = …` -> `acme_token = …`): what the provider-name-then-key-name "
             "rules lose to a space.\n")

    by_source = collections.Counter((r["source"], r["polarity"]) for r in rows)
    L.append("## Examples\n")
    L.append("| source | positive | mapped to a keylint provider | negative |")
    L.append("|---|---:|---:|---:|")
    for s in sorted({r["source"] for r in rows}):
        m = sum(1 for r in mapped if r["source"] == s)
        L.append(f"| {s} | {by_source[(s, 'positive')]} | {m} | {by_source[(s, 'negative')]} |")
    L.append(f"| all | {len(pos)} | {len(mapped)} | {len(neg)} |\n")
    how = collections.Counter(r["how"] for r in mapped)
    L.append(f"Mapping: {how['exact']} by name, {how['prefix']} by prefix, {how['alias']} by alias; "
             f"{len(pos) - len(mapped)} positive examples name a provider keylint has no rule for. "
             f"Keylint providers covered: {len(covered)} of {len(classes)}; providers of the new "
             f"rules (rules/providers/) covered: {len(covered & new_providers)} of {len(new_providers)}.\n")

    L.append("## Headline\n")
    L.append("| set | providers |" + SUMMARY_HEAD.split("\n")[0][1:])
    L.append("|---|---:|" + SUMMARY_HEAD.split("\n")[1][1:])

    def group(label, pred_provider):
        ps = {p for p in covered if pred_provider(p)}
        rs = [r for r in mapped if r["kprov"] & ps]
        L.append(row_line(label, summary_cells(rs), [len(ps)]))

    group("all mapped examples", lambda p: True)
    group("providers with new rules", lambda p: p in new_providers)
    group("… new rules all high", lambda p: p in new_providers and classes[p][1] == "high")
    group("… new rules all medium", lambda p: p in new_providers and classes[p][1] == "medium")
    group("… new rules high and medium", lambda p: p in new_providers and classes[p][1] == "high+medium")
    group("providers with old rules only", lambda p: classes[p][0] == "old")
    L.append("")
    L.append("By source (all mapped examples):\n")
    L.append("| source |" + SUMMARY_HEAD.split("\n")[0][1:])
    L.append("|---|" + SUMMARY_HEAD.split("\n")[1][1:])
    for s in sorted({r["source"] for r in mapped}):
        L.append(row_line(s, summary_cells([r for r in mapped if r["source"] == s])))
    L.append("")

    # rules that fired
    fired = collections.Counter()
    for r in mapped:
        for rid in set(r["raw"]["rules"]) | set(r["wrapped"]["rules"]):
            fired[rid] += 1
    zero = [r for r in new_rules if r["pnorm"] not in covered]
    silent = [r for r in new_rules if r["pnorm"] in covered and not fired[r["id"]]]

    worst = []
    L.append("## New-rule providers\n")
    L.append(f"{len(covered & new_providers)} providers of rules/providers/ had third-party examples. "
             "*rules fired* = rules of the provider that found at least one example, of its rules.\n")
    L.append("| provider | new rules' confidence | rules fired |" + SUMMARY_HEAD.split("\n")[0][1:])
    L.append("|---|---|---:|" + SUMMARY_HEAD.split("\n")[1][1:])
    for p in sorted(covered & new_providers):
        rs = [r for r in mapped if p in r["kprov"]]
        cells = summary_cells(rs)
        prules = classes[p][2]
        nf = sum(1 for x in prules if fired[x["id"]])
        L.append(row_line(p, cells, [classes[p][1], f"{nf}/{len(prules)}"]))
        if cells[5] == 0 and len(rs) >= 3:
            worst.append((p, len(rs)))
    L.append("")
    L.append("## Why examples were missed (new-rule providers)\n")
    L.append("A rough sort of every missed example, first match wins: *synthetic-looking* (see above); "
             "*name and key word apart* (found once `<name> <key>` is joined); *multi-line* (the "
             "provider name or the key name is on another line than the value: logs, XML, JSON, code); "
             "*no `=` or `:`* (`acme key <value>`: keylint's keyword rules want an assignment); "
             "*other* (value shape or length differs from the rule, or the name is not the one the "
             "rule expects).\n")
    L.append("| source | missed | synthetic-looking | name and key word apart | multi-line | no = or : | other |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    causes = collections.Counter()
    for r in mapped:
        if not (r["kprov"] & new_providers) or r["raw"]["provider"] or r["wrapped"]["provider"]:
            continue
        causes[(r["source"], miss_cause(r))] += 1
        causes[("all", miss_cause(r))] += 1
    kinds = ["synthetic", "apart", "multiline", "noassign", "other"]
    for s in sorted({s for s, _ in causes}, key=lambda s: (s == "all", s)):
        cs = [causes[(s, k)] for k in kinds]
        L.append(f"| {s} | {sum(cs)} | " + " | ".join(map(str, cs)) + " |")
    L.append("")
    L.append("## Worst: recall 0 (either layout) with 3 or more examples\n")
    L.append(", ".join(f"{p} ({n})" for p, n in sorted(worst, key=lambda x: -x[1])) or "none")
    L.append("")
    L.append(f"## New rules whose provider has examples but that found none ({len(silent)})\n")
    L.append("Often a second rule of a provider (an ID, a secret of another kind) the examples do not show.\n")
    L.append(", ".join(f"`{r['id']}`" for r in sorted(silent, key=lambda r: r["id"])) or "none")
    L.append("")
    L.append(f"## New rules with ZERO third-party examples ({len(zero)} of {len(new_rules)})\n")
    L.append("No example of another scanner names these rules' providers: their recall is unmeasured "
             "here (only their own examples test them).\n")
    L.append(", ".join(f"`{r['id']}`" for r in sorted(zero, key=lambda r: r["id"])))
    L.append("")

    L.append("## False alarms on negative examples\n")
    L.append("A negative example is one the source scanner says its rule must not report. *flagged* = "
             "keylint reports a finding there; *by the provider* = a rule of the mapped provider.\n")
    L.append("| source | negatives | flagged raw | share | by the provider raw | flagged wrapped | share | by the provider wrapped |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in sorted({r["source"] for r in neg}) + ["all"]:
        rs = [r for r in neg if s == "all" or r["source"] == s]
        fr = sum(r["raw"]["any"] for r in rs)
        fw = sum(r["wrapped"]["any"] for r in rs)
        pr = sum(r["raw"]["provider"] for r in rs)
        pw = sum(r["wrapped"]["provider"] for r in rs)
        L.append(f"| {s} | {len(rs)} | {fr} | {pct(fr, len(rs))} | {pr} | {fw} | {pct(fw, len(rs))} | {pw} |")
    L.append("")
    neg_rules = collections.Counter(rid for r in neg for rid in r["raw"]["other_rules"])
    L.append("Rules reporting on raw negatives (kingfisher, noseyparker, gitleaks, trufflehog): " +
             ", ".join(f"`{k}` {v}" for k, v in neg_rules.most_common(25)))
    L.append("")
    unm = collections.Counter(norm(r["provider"]) for r in pos if not r["targets"])
    L.append("## Unmapped provider names (positive examples)\n")
    L.append("Names of the other scanners no keylint provider matches (a rule keylint lacks, or a "
             "rename missing from ALIASES):\n")
    L.append(", ".join(f"{k} {v}" for k, v in unm.most_common()))
    L.append("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keylint", required=True)
    ap.add_argument("--examples", default="/tmp/recall/examples.jsonl")
    ap.add_argument("--work", default="/tmp/recall/work")
    ap.add_argument("--results", default=os.path.join(HERE, "RESULTS.md"))
    ap.add_argument("--sources", nargs="*", default=[], help="lines naming the snapshots, for RESULTS.md")
    ap.add_argument("--save", help="per-example outcomes as JSONL (third-party text: keep out of the repo)")
    ap.add_argument("--show-misses", metavar="PROVIDER")
    ap.add_argument("--show-mapping", action="store_true")
    args = ap.parse_args()
    rules, rows = measure(args.keylint, args.examples, args.work)
    if args.show_mapping:
        seen = collections.Counter((r["source"], r["provider"], r["how"], tuple(r["targets"] or ())) for r in rows)
        for (s, p, how, t), n in sorted(seen.items()):
            if how != "exact":
                print(f"{s:12} {p:30} {str(how):7} {','.join(t)}  ({n})")
        return
    if args.show_misses:
        want = norm(args.show_misses)
        for r in rows:
            if r["polarity"] == "positive" and r["targets"] and want in r["targets"] and \
                    not (r["raw"]["provider"] or r["wrapped"]["provider"]):
                print(f"--- {r['source']} {r['source_rule']} (other rules: {r['raw']['other_rules']})")
                print(r["text"][:600])
        return
    if args.save:
        with open(args.save, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(args.results, "w", encoding="utf-8") as fh:
        fh.write(report(rules, rows, args.sources))
    print(f"wrote {args.results}", file=sys.stderr)


if __name__ == "__main__":
    main()
