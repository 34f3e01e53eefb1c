#!/usr/bin/env python3
"""Deterministic synthetic working tree for keylint's tree benchmark.

    gen_tree.py OUT_DIR [SIZE_MB]      # default 1024 MiB (or $SIZE_MB)

Writes about SIZE_MB MiB of realistic text under OUT_DIR, laid out as a
monorepo of projects: source files (Python, Rust, Go, JavaScript,
TypeScript, Java, C), configs (TOML, INI, .env), JSON and YAML, minified
JavaScript bundles, lock files (package-lock.json, Cargo.lock, yarn.lock),
a few large files (logs, CSV, SQL dumps; 8-20 MiB each, under keylint's
25 MiB default limit) and a few binaries (NUL bytes; skipped by every
scanner by default, and free of keys).

Planted keys: one fake credential from fixtures/fakekey.py about every
2 MiB, in the syntax of the file it lands in.  Every planted key carries
FAKE/fake (fakekey.py's marker), and every kind used here is found by
keylint's built-in rules.  The count goes to OUT_DIR/../<name>.expected
(a plain integer) and the list (path, line, kind) to
OUT_DIR/../<name>.planted.tsv, outside the scanned tree.

Same arguments, same bytes (fixed seed; no time, no hash randomization).
"""
import os
import random
import string
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import fakekey  # noqa: E402

MIB = 1 << 20
SEED = 20240601

# Kinds with distinctive prefixes, each checked to be one keylint finding.
KEY_KINDS = [
    "openai-proj56", "openai-proj", "aws-akid", "ghp", "gho", "github-pat",
    "anthropic-api", "groq", "stripe-secret", "slack-bot", "gitlab-pat", "npm",
    "sendgrid", "google-api", "huggingface", "do-pat", "shopify-access", "age",
    "pypi", "dockerhub", "slack-webhook", "linear", "xai", "openrouter",
    "replicate", "newrelic-user", "sentry-user", "grafana-sa", "postman",
    "figma", "doppler", "vault-service", "pulumi", "databricks",
]

# Identifiers, including the words real code is full of (token, key,
# secret, password, auth ...), so a keyword prefilter has realistic work.
WORDS = (
    "account address alloc apply args async attr auth backend batch buffer "
    "builder bytes cache callback channel client close cluster code config "
    "conn context count create cursor data decode default delete deploy "
    "digest encode endpoint entry env error event fetch field file filter "
    "flag format frame handler hash header host index init input item job "
    "key kind label length limit list load lock logger manager map message "
    "meta method mode model name node offset options order output owner page "
    "params parse password path payload peer plugin pool port prefix "
    "process provider query queue reader record region registry request "
    "resource response result retry route schema scope secret selector "
    "server service session settings shard signal size slot source state "
    "status storage stream table target task tenant timeout token trace "
    "tracker update upload user value version worker writer"
).split()
COMMENT_WORDS = (
    "the a of to and in is for that this with on as be it by are from "
    "returns handles checks parses updates when if not only every each "
    "request value cache token key user file error retry connection buffer "
    "TODO note see issue fallback default config secret api"
).split()


def ident(rng, style="snake"):
    parts = [rng.choice(WORDS) for _ in range(rng.randint(1, 3))]
    if style == "camel":
        return parts[0] + "".join(p.title() for p in parts[1:])
    if style == "pascal":
        return "".join(p.title() for p in parts)
    if style == "upper":
        return "_".join(parts).upper()
    return "_".join(parts)


def sentence(rng, lo=4, hi=12):
    return " ".join(rng.choice(COMMENT_WORDS) for _ in range(rng.randint(lo, hi)))


def hexs(rng, n):
    return "%0*x" % (n, rng.getrandbits(4 * n))


# --- line pools: built once, files sample from them (fast, still varied) ----

def py_line(rng):
    r = rng.random()
    if r < 0.15:
        return f"    # {sentence(rng)}"
    if r < 0.25:
        return f"def {ident(rng)}(self, {ident(rng)}, {ident(rng)}=None):"
    if r < 0.4:
        return f"        {ident(rng)} = self.{ident(rng)}.get(\"{ident(rng)}\", {rng.randint(0, 9999)})"
    if r < 0.5:
        return f"        if {ident(rng)} is None or len({ident(rng)}) > {rng.randint(1, 512)}:"
    if r < 0.6:
        return f"            raise ValueError(f\"{sentence(rng, 2, 5)}: {{{ident(rng)}!r}}\")"
    if r < 0.7:
        return f"from {ident(rng)}.{ident(rng)} import {ident(rng, 'pascal')}, {ident(rng)}"
    if r < 0.85:
        return f"        return {ident(rng)}({ident(rng)}, {ident(rng)}={ident(rng)})"
    return ""


def rs_line(rng):
    r = rng.random()
    if r < 0.15:
        return f"    /// {sentence(rng)}"
    if r < 0.25:
        return f"pub fn {ident(rng)}(&self, {ident(rng)}: &{ident(rng, 'pascal')}) -> Result<{ident(rng, 'pascal')}> {{"
    if r < 0.45:
        return f"        let {ident(rng)} = self.{ident(rng)}.{ident(rng)}(&{ident(rng)})?;"
    if r < 0.55:
        return f"        if {ident(rng)}.len() > {rng.randint(1, 4096)} {{ return Err(Error::{ident(rng, 'pascal')}); }}"
    if r < 0.65:
        return f"use crate::{ident(rng)}::{{{ident(rng, 'pascal')}, {ident(rng)}}};"
    if r < 0.75:
        return f"    {ident(rng)}: Option<{ident(rng, 'pascal')}>,"
    if r < 0.9:
        return f"        Ok({ident(rng, 'pascal')} {{ {ident(rng)}, {ident(rng)}: {rng.randint(0, 999)} }})"
    return "    }"


def go_line(rng):
    r = rng.random()
    if r < 0.15:
        return f"\t// {sentence(rng)}"
    if r < 0.25:
        return f"func (s *{ident(rng, 'pascal')}) {ident(rng, 'pascal')}(ctx context.Context, {ident(rng, 'camel')} string) error {{"
    if r < 0.45:
        return f"\t{ident(rng, 'camel')}, err := s.{ident(rng, 'camel')}.{ident(rng, 'pascal')}(ctx, {ident(rng, 'camel')})"
    if r < 0.6:
        return "\tif err != nil {\n\t\treturn fmt.Errorf(\"%s: %w\", \"" + sentence(rng, 2, 4) + "\", err)\n\t}"
    if r < 0.75:
        return f"\t{ident(rng, 'pascal')} {ident(rng, 'pascal')} `json:\"{ident(rng)}\"`"
    return "}"


def js_line(rng):
    r = rng.random()
    if r < 0.15:
        return f"  // {sentence(rng)}"
    if r < 0.3:
        return f"export async function {ident(rng, 'camel')}({ident(rng, 'camel')}, {{ {ident(rng, 'camel')}, {ident(rng, 'camel')} }}) {{"
    if r < 0.5:
        return f"  const {ident(rng, 'camel')} = await this.{ident(rng, 'camel')}.{ident(rng, 'camel')}({ident(rng, 'camel')});"
    if r < 0.6:
        return f"  if (!{ident(rng, 'camel')}) throw new Error(`{sentence(rng, 2, 6)} ${{{ident(rng, 'camel')}}}`);"
    if r < 0.7:
        return f"import {{ {ident(rng, 'camel')}, {ident(rng, 'pascal')} }} from './{ident(rng)}';"
    if r < 0.85:
        return f"  return {{ ...{ident(rng, 'camel')}, {ident(rng, 'camel')}: {rng.randint(0, 9999)} }};"
    return "}"


def ts_line(rng):
    r = rng.random()
    if r < 0.2:
        return f"  {ident(rng, 'camel')}?: {rng.choice(['string', 'number', 'boolean', ident(rng, 'pascal')])};"
    if r < 0.3:
        return f"export interface {ident(rng, 'pascal')} {{"
    return js_line(rng)


def java_line(rng):
    r = rng.random()
    if r < 0.15:
        return f"    /** {sentence(rng)} */"
    if r < 0.25:
        return f"    public {ident(rng, 'pascal')} {ident(rng, 'camel')}({ident(rng, 'pascal')} {ident(rng, 'camel')}) throws IOException {{"
    if r < 0.5:
        return f"        final {ident(rng, 'pascal')} {ident(rng, 'camel')} = {ident(rng, 'camel')}.{ident(rng, 'camel')}({ident(rng, 'camel')});"
    if r < 0.6:
        return f"import com.example.{ident(rng)}.{ident(rng, 'pascal')};"
    if r < 0.75:
        return f"    private final Map<String, {ident(rng, 'pascal')}> {ident(rng, 'camel')} = new HashMap<>();"
    return "    }"


def c_line(rng):
    r = rng.random()
    if r < 0.15:
        return f"/* {sentence(rng)} */"
    if r < 0.25:
        return f"static int {ident(rng)}(struct {ident(rng)} *{ident(rng)}, size_t {ident(rng)})"
    if r < 0.5:
        return f"    {ident(rng)}->{ident(rng)} = {ident(rng)}({ident(rng)}, {rng.randint(0, 65535)});"
    if r < 0.6:
        return f"    if ({ident(rng)} < 0) goto {ident(rng)};"
    if r < 0.7:
        return f"#define {ident(rng, 'upper')} 0x{hexs(rng, 4)}"
    return "}"


def yaml_line(rng):
    r = rng.random()
    indent = "  " * rng.randint(0, 3)
    if r < 0.1:
        return f"{indent}# {sentence(rng)}"
    if r < 0.5:
        value = rng.choice([str(rng.randint(0, 9999)), "true", "false", ident(rng), '"' + sentence(rng, 1, 4) + '"'])
        return f"{indent}{ident(rng)}: {value}"
    if r < 0.7:
        return f"{indent}- name: {ident(rng)}"
    return f"{indent}  image: registry.example.com/{ident(rng)}:{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"


def toml_line(rng):
    r = rng.random()
    if r < 0.1:
        return f"\n[{ident(rng)}]"
    if r < 0.2:
        return f"# {sentence(rng)}"
    value = rng.choice([str(rng.randint(0, 9999)), "true", '"' + ident(rng) + '"'])
    return f"{ident(rng)} = {value}"


def log_line(rng):
    return (f"2024-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(10, 23)}:{rng.randint(10, 59)}:"
            f"{rng.randint(10, 59)}.{rng.randint(100, 999)}Z {rng.choice(['INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'])} "
            f"[{ident(rng)}] {sentence(rng, 3, 10)} request_id={hexs(rng, 16)} "
            f"user={ident(rng)}{rng.randint(1, 9999)} took={rng.randint(1, 9999)}ms")


def csv_line(rng):
    return ",".join([str(rng.randint(1, 10**7)), ident(rng), f"{ident(rng)}@example.com",
                     f"{rng.random() * 1000:.2f}", rng.choice(["active", "deleted", "pending"]),
                     f"\"{sentence(rng, 2, 6)}\""])


def sql_line(rng):
    return (f"INSERT INTO {ident(rng)} ({ident(rng)}, {ident(rng)}, {ident(rng)}) VALUES "
            f"({rng.randint(1, 10**6)}, '{sentence(rng, 1, 4)}', '{hexs(rng, 12)}');")


def md_line(rng):
    r = rng.random()
    if r < 0.1:
        return f"## {sentence(rng, 2, 5).title()}"
    if r < 0.2:
        return f"- `{ident(rng)}`: {sentence(rng)}"
    return sentence(rng, 8, 20).capitalize() + "."


LANGS = {  # extension: (line maker, comment syntax for planted keys)
    "py": (py_line, "py"), "rs": (rs_line, "rs"), "go": (go_line, "go"),
    "js": (js_line, "js"), "ts": (ts_line, "js"), "java": (java_line, "java"),
    "c": (c_line, "c"), "h": (c_line, "c"), "yaml": (yaml_line, "yaml"),
    "toml": (toml_line, "toml"), "md": (md_line, "md"),
    "log": (log_line, "log"), "csv": (csv_line, "csv"), "sql": (sql_line, "sql"),
}


def key_line(kind_syntax, rng, key):
    name = rng.choice(["API_KEY", "TOKEN", "SECRET", "ACCESS_KEY", "AUTH_TOKEN"])
    return {
        "py": f"    {name} = \"{key}\"",
        "rs": f"const {name}: &str = \"{key}\";",
        "go": f"\t{name} := \"{key}\"",
        "js": f"  const {name.lower()} = '{key}';",
        "java": f"    private static final String {name} = \"{key}\";",
        "c": f"static const char *{name.lower()} = \"{key}\";",
        "yaml": f"  {name.lower()}: {key}",
        "toml": f"{name.lower()} = \"{key}\"",
        "md": f"export {name}={key}",
        "log": f"2024-03-01T10:00:00.000Z DEBUG [config] loaded {name.lower()}={key}",
        "csv": f"1,{name.lower()},{key},0.00,active,\"\"",
        "sql": f"INSERT INTO settings (name, value) VALUES ('{name.lower()}', '{key}');",
        "json": f"  \"{name.lower()}\": \"{key}\",",
        "env": f"{name}={key}",
        "ini": f"{name.lower()} = {key}",
    }[kind_syntax]


class Tree:
    def __init__(self, out, size_mb):
        self.out = out
        self.rng = random.Random(SEED)
        self.budget = size_mb * MIB
        self.written = 0
        self.planted = []  # (path, line, kind)
        self.paths = set()
        self.next_key = 2 * MIB  # plant one key per ~2 MiB written
        self.pools = {}
        prng = random.Random(SEED + 1)
        for ext, (make, _) in LANGS.items():
            if ext == "h":
                continue
            n = 20000 if ext in ("log", "csv", "sql") else 6000
            self.pools[ext] = [make(prng) for _ in range(n)]
        self.pools["h"] = self.pools["c"]

    def key(self):
        n = len(self.planted)
        kind = KEY_KINDS[n % len(KEY_KINDS)]
        return kind, fakekey.fake(kind, 1000 + n)

    def write(self, rel, data, key_syntax=None):
        """Writes data (list of lines, or bytes); plants a key if one is due."""
        if rel in self.paths:  # names are random: never overwrite a file
            stem, dot, ext = rel.rpartition(".")
            n = 2
            while f"{stem}-{n}{dot}{ext}" in self.paths:
                n += 1
            rel = f"{stem}-{n}{dot}{ext}"
        self.paths.add(rel)
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(data, list):
            if key_syntax and self.written >= self.next_key and len(data) > 2:
                kind, key = self.key()
                at = self.rng.randrange(1, len(data))
                data.insert(at, key_line(key_syntax, self.rng, key))
                line = 1 + sum(l.count("\n") + 1 for l in data[:at])
                self.planted.append((rel, line, kind))
                self.next_key += 2 * MIB
            data = ("\n".join(data) + "\n").encode()
        with open(path, "wb") as f:
            f.write(data)
        self.written += len(data)

    def lines(self, ext, n):
        pool = self.pools[ext]
        # Runs of consecutive pool lines from random places: varied but cheap.
        out = []
        while len(out) < n:
            k = self.rng.randint(5, 60)
            s = self.rng.randrange(len(pool) - k)
            out.extend(pool[s:s + k])
        return out[:n]

    def source_file(self, proj):
        ext = self.rng.choices(["py", "rs", "go", "js", "ts", "java", "c", "h", "md"],
                               [18, 16, 12, 14, 12, 10, 8, 4, 6])[0]
        d = self.rng.choice(["src", "lib", "internal", "pkg", "app", "tests", "docs"])
        sub = ident(self.rng)
        n = int(self.rng.lognormvariate(5.3, 1.0)) + 5  # median ~200 lines, long tail
        rel = f"{proj}/{d}/{sub}/{ident(self.rng)}_{self.rng.randint(0, 999)}.{ext}"
        self.write(rel, self.lines(ext, min(n, 20000)), LANGS[ext][1])

    def config_file(self, proj):
        r = self.rng.random()
        name = ident(self.rng)
        if r < 0.35:
            self.write(f"{proj}/deploy/{name}.yaml", self.lines("yaml", self.rng.randint(30, 600)), "yaml")
        elif r < 0.55:
            self.write(f"{proj}/config/{name}.toml", self.lines("toml", self.rng.randint(20, 300)), "toml")
        elif r < 0.65:
            lines = [f"{ident(self.rng, 'upper')}={ident(self.rng)}" for _ in range(self.rng.randint(5, 40))]
            self.write(f"{proj}/config/{name}.env", lines, "env")
        elif r < 0.75:
            lines = []
            for _ in range(self.rng.randint(3, 20)):
                lines.append(f"[{ident(self.rng)}]")
                lines += [f"{ident(self.rng)} = {ident(self.rng)}" for _ in range(self.rng.randint(2, 10))]
            self.write(f"{proj}/config/{name}.ini", lines, "ini")
        else:
            self.write(f"{proj}/data/{name}.json", self.json_lines(self.rng.randint(50, 3000)), "json")

    def json_lines(self, n):
        rng = self.rng
        lines = ["{", f"  \"version\": {rng.randint(1, 9)},", "  \"items\": ["]
        while len(lines) < n:
            lines.append(f"    {{\"id\": {rng.randint(1, 10**6)}, \"{rng.choice(WORDS)}\": \"{rng.choice(WORDS)}\", "
                         f"\"{rng.choice(WORDS)}\": {rng.random():.4f}, \"enabled\": {rng.choice(['true', 'false'])}}},")
        lines.append("    {}")
        lines += ["  ]", "}"]
        return lines

    def minified_js(self, proj):
        # One long line (plus a license header), 64 KiB - 1 MiB.
        rng = self.rng
        size = int(rng.uniform(64, 1024)) * 1024
        parts, total = [], 0
        js = self.pools["js"]
        while total < size:
            s = rng.choice(js).strip().replace("  ", "")
            s = s.replace("const ", "var ").replace(" = ", "=").replace(", ", ",")
            parts.append(s)
            total += len(s) + 1
        lines = [f"/*! {ident(rng)} v{rng.randint(1, 9)}.{rng.randint(0, 20)}.0 | MIT */", ";".join(parts),
                 f"//# sourceMappingURL={ident(rng)}.min.js.map"]
        self.write(f"{proj}/dist/{ident(rng)}.min.js", lines, "js" if rng.random() < 0.3 else None)

    def lock_files(self, proj):
        rng = self.rng
        lines = ["{", f"  \"name\": \"{proj}\",", "  \"lockfileVersion\": 3,", "  \"packages\": {"]
        import base64
        for _ in range(rng.randint(200, 1500)):
            name = "-".join(rng.choice(WORDS) for _ in range(rng.randint(1, 2)))
            ver = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 30)}"
            integrity = base64.b64encode(rng.getrandbits(512).to_bytes(64, "big")).decode()
            lines += [f"    \"node_modules/{name}\": {{", f"      \"version\": \"{ver}\",",
                      f"      \"resolved\": \"https://registry.npmjs.org/{name}/-/{name}-{ver}.tgz\",",
                      f"      \"integrity\": \"sha512-{integrity}\",", "      \"dev\": true", "    },"]
        lines += ["    \"\": {}", "  }", "}"]
        self.write(f"{proj}/package-lock.json", lines)
        lines = ["# This file is automatically @generated by Cargo.", "version = 4", ""]
        for _ in range(rng.randint(100, 600)):
            name = "-".join(rng.choice(WORDS) for _ in range(rng.randint(1, 2)))
            lines += ["[[package]]", f"name = \"{name}\"",
                      f"version = \"{rng.randint(0, 3)}.{rng.randint(0, 30)}.{rng.randint(0, 30)}\"",
                      "source = \"registry+https://github.com/rust-lang/crates.io-index\"",
                      f"checksum = \"{hexs(rng, 64)}\"", ""]
        self.write(f"{proj}/Cargo.lock", lines)
        if rng.random() < 0.5:
            lines = ["# yarn lockfile v1", ""]
            for _ in range(rng.randint(100, 800)):
                name = rng.choice(WORDS)
                ver = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 30)}"
                lines += [f"{name}@^{ver}:", f"  version \"{ver}\"",
                          f"  resolved \"https://registry.yarnpkg.com/{name}/-/{name}-{ver}.tgz#{hexs(rng, 40)}\"",
                          f"  integrity sha1-{hexs(rng, 27)}=", ""]
            self.write(f"{proj}/yarn.lock", lines)

    def large_file(self, proj):
        rng = self.rng
        ext = rng.choice(["log", "csv", "sql"])
        target = int(rng.uniform(8, 20) * MIB)
        n = target // 110
        self.write(f"{proj}/large/{ident(rng)}.{ext}", self.lines(ext, n), ext)

    def binary(self, proj):
        rng = self.rng
        size = int(rng.uniform(64, 4096)) * 1024
        head = rng.choice([b"\x89PNG\r\n\x1a\n", b"\x7fELF\x02\x01\x01\x00", b"PK\x03\x04", b"\x00asm\x01\x00\x00\x00"])
        body = rng.getrandbits(8 * size).to_bytes(size, "little")
        ext = {b"\x89": "png", b"\x7f": "so", b"PK": "zip", b"\x00a": "wasm"}[head[:2] if head[:2] in (b"PK", b"\x00a") else head[:1]]
        self.write(f"{proj}/assets/{ident(rng)}.{ext}", head + body)

    def generate(self):
        rng = self.rng
        p = 0
        # Per project (~8-40 MiB): lock files, sources, configs, a few
        # bundles; a large file every 6th project, a binary every 3rd.
        # By bytes, roughly: sources 60%, configs/JSON/YAML 15%, minified JS
        # 10%, large files 10%, lock files 3%, binaries 2%.
        while self.written < self.budget:
            proj = f"proj{p:03}-{ident(rng).replace('_', '-')}"
            stop = min(self.budget, self.written + int(rng.uniform(8, 40) * MIB))
            self.lock_files(proj)
            if p % 3 == 0:
                self.binary(proj)
            if p % 6 == 1:
                self.large_file(proj)
            while self.written < stop:
                r = rng.random()
                if r < 0.83:
                    self.source_file(proj)
                elif r < 0.995:
                    self.config_file(proj)
                else:
                    self.minified_js(proj)
            p += 1
        return p


def main():
    out = sys.argv[1]
    size_mb = int(sys.argv[2]) if len(sys.argv) > 2 else int(os.environ.get("SIZE_MB", "1024"))
    tree = Tree(out, size_mb)
    projects = tree.generate()
    base = out.rstrip("/")
    with open(base + ".planted.tsv", "w") as f:
        for rel, line, kind in tree.planted:
            f.write(f"{rel}\t{line}\t{kind}\n")
    with open(base + ".expected", "w") as f:
        f.write(f"{len(tree.planted)}\n")
    files = sum(len(fs) for _, _, fs in os.walk(out))
    sys.stderr.write(f"gen_tree: {tree.written / MIB:.0f} MiB in {files} files, {projects} projects, "
                     f"{len(tree.planted)} planted keys\n")


if __name__ == "__main__":
    main()
