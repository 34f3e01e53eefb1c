#!/usr/bin/env python3
"""Pull third-party secret examples out of other scanners' source trees.

  extract.py SNAPSHOT_DIR... [--out /tmp/recall/examples.jsonl]

Each SNAPSHOT_DIR is an unpacked tree of one of these projects (recognised by
its layout, not its name):

- kingfisher   data/rules/*.yml                 `examples:` / `negative_examples:`
- noseyparker  crates/noseyparker/data/default/builtin/rules/*.yml   the same keys
- trufflehog   pkg/detectors/<name>/**/<x>_test.go (not *_integration_test.go):
               each test case's `input:`; a case whose `want:` is empty
               (nil, `[]string{}`) is a negative example
- gitleaks     cmd/generate/config/rules/*.go: the `tps` / `fps` lists, only
               elements made of string literals (generated samples skipped)

Writes one JSON object a line: source, provider (the other scanner's name
for it), source_rule, polarity (positive | negative), origin (file in the
tree), text (exactly as the other scanner wrote it).  The output holds
third-party content: keep it out of the repository.

Standard library only: the YAML and Go read here are the small subsets those
files use (block/quoted/plain scalars in lists; string literals, `+`,
`fmt.Sprintf` and string variables in Go), and whatever does not fit is
counted as skipped and reported on stderr, never guessed.
"""
import argparse
import collections
import json
import os
import re
import sys

SKIPPED = collections.Counter()


# ---------------------------------------------------------------- YAML subset

def yaml_unquote_single(body):
    return body.replace("''", "'")


def yaml_unquote_double(body):
    """Double-quoted YAML scalar body -> text (the escapes YAML defines)."""
    simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "\\": "\\",
              "/": "/", " ": " ", "e": "\x1b", "a": "\a", "b": "\b", "v": "\v", "f": "\f"}
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            out.append(chr(int(body[i + 2:i + 2 + width], 16)))
            i += 2 + width
        elif nxt == "\n":  # escaped line break: joins lines
            i += 2
            while i < len(body) and body[i] in " \t":
                i += 1
        else:
            raise ValueError(f"unknown YAML escape \\{nxt}")
    return "".join(out)


def fold_flow_lines(raw):
    """Line folding of multi-line flow scalars: one break -> space, n>1 -> n-1 breaks."""
    lines = raw.split("\n")
    if len(lines) == 1:
        return raw
    parts = [lines[0].rstrip(" \t")]
    empties = 0
    for line in lines[1:]:
        stripped = line.strip(" \t")
        if not stripped:
            empties += 1
            continue
        parts.append("\n" * empties if empties else " ")
        parts.append(stripped)
        empties = 0
    return "".join(parts)


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def read_block_scalar(lines, start, header, parent_indent):
    """`|`, `|-`, `|+`, `>`… starting after line `start`; returns (text, next_index)."""
    style, chomp, explicit = header[0], "clip", None
    for ch in header[1:]:
        if ch == "-":
            chomp = "strip"
        elif ch == "+":
            chomp = "keep"
        elif ch.isdigit():
            explicit = int(ch)
    i, body = start + 1, []
    block_indent = parent_indent + explicit if explicit else None
    while i < len(lines):
        line = lines[i]
        if line.strip() == "":
            body.append("")
            i += 1
            continue
        ind = indent_of(line)
        if block_indent is None:
            if ind <= parent_indent:
                break
            block_indent = ind
        if ind < block_indent:
            break
        body.append(line[block_indent:])
        i += 1
    trailing = 0
    while body and body[-1] == "":
        body.pop()
        trailing += 1
    if style == ">":
        text, prev_more = "", False
        for j, line in enumerate(body):
            more = line.startswith((" ", "\t")) or line == ""
            if j == 0:
                text = line
            elif line == "" or more or prev_more:
                text += "\n" + line
            else:
                text += ("" if text.endswith("\n") else " ") + line
            prev_more = more and line != ""
    else:
        text = "\n".join(body)
    if chomp == "clip" and body:
        text += "\n"
    elif chomp == "keep":
        text += "\n" * (1 + trailing)
    return text, i


def read_quoted(lines, i, col, quote):
    """Quoted scalar opening at lines[i][col]; may span lines."""
    buf = lines[i][col + 1:]
    j = i
    while True:
        k = 0
        while k < len(buf):
            if quote == "'" and buf[k] == "'":
                if buf[k + 1:k + 2] == "'":
                    k += 2
                    continue
                break
            if quote == '"' and buf[k] == "\\":
                k += 2
                continue
            if quote == '"' and buf[k] == '"':
                break
            k += 1
        if k < len(buf):
            body = buf[:k]
            break
        j += 1
        if j >= len(lines):
            raise ValueError("unterminated quoted scalar")
        buf += "\n" + lines[j]
    folded = fold_flow_lines(body)
    text = yaml_unquote_single(folded) if quote == "'" else yaml_unquote_double(folded)
    return text, j + 1


def strip_comment(plain):
    m = re.search(r"\s#", plain)
    return plain[:m.start()] if m else plain


def read_list_item(lines, i, dash_indent):
    """The scalar of `- ...` at lines[i]; returns (text, next_index)."""
    line = lines[i]
    col = dash_indent + 1
    while col < len(line) and line[col] == " ":
        col += 1
    rest = line[col:]
    if rest[:1] in ("|", ">") and re.fullmatch(r"[|>][-+0-9]*\s*(#.*)?", rest):
        return read_block_scalar(lines, i, rest.split("#")[0].strip(), dash_indent)
    if rest[:1] in ("'", '"'):
        return read_quoted(lines, i, col, rest[0])
    if rest.startswith(("{", "[")):
        raise ValueError("flow collection as an example")
    # plain scalar, may continue on more-indented lines
    parts = [strip_comment(rest).rstrip()]
    j = i + 1
    while j < len(lines) and lines[j].strip() and indent_of(lines[j]) > dash_indent \
            and not lines[j].lstrip().startswith("#"):
        parts.append(lines[j].strip())
        j += 1
    return fold_flow_lines("\n".join(parts)), j


def yaml_rules(path):
    """Yield (rule_id, rule_name, key, text) for every example of a rules file."""
    with open(path, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    rule_id = rule_name = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(\s*)(?:- )?(id|name):\s*(.*)$", line)
        if m:
            value = m.group(3).strip().strip("'\"")
            if m.group(2) == "id":
                rule_id = value
            else:
                if line.lstrip().startswith("- "):
                    rule_id = None  # a new rule starts with its name
                rule_name = value
        m = re.match(r"^(\s*)(examples|negative_examples|non_examples):\s*(.*)$", line)
        if not m:
            i += 1
            continue
        key_indent, key = len(m.group(1)), m.group(2)
        if m.group(3).strip() not in ("", "[]"):
            SKIPPED[f"{path}: inline {key}"] += 1
            i += 1
            continue
        i += 1
        while i < len(lines):
            item = lines[i]
            if item.strip() == "" or item.lstrip().startswith("#"):
                i += 1
                continue
            ind = indent_of(item)
            if ind < key_indent or not item.lstrip().startswith("-") or \
                    (ind == key_indent and not item.lstrip().startswith("- ")):
                break
            try:
                text, i = read_list_item(lines, i, ind)
            except (ValueError, IndexError) as err:
                SKIPPED[f"yaml item: {err}"] += 1
                i += 1
                continue
            yield rule_id, rule_name, key, text


def provider_from_yaml_id(rule_id, path):
    # kingfisher.adafruitio.1 / np.adafruitio.1 -> adafruitio
    if rule_id:
        parts = rule_id.split(".")
        if len(parts) >= 3:
            return parts[1]
    return os.path.splitext(os.path.basename(path))[0]


def extract_yaml_tree(source, root, rules_dir):
    for name in sorted(os.listdir(rules_dir)):
        if not name.endswith((".yml", ".yaml")):
            continue
        path = os.path.join(rules_dir, name)
        for rule_id, rule_name, key, text in yaml_rules(path):
            yield {
                "source": source,
                "provider": provider_from_yaml_id(rule_id, path),
                "source_rule": rule_id or rule_name or name,
                "polarity": "positive" if key == "examples" else "negative",
                "origin": os.path.relpath(path, root),
                "text": text,
            }


# ------------------------------------------------------------------ Go subset

GO_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<comment>//[^\n]*|/\*.*?\*/)
      | (?P<raw>`[^`]*`)
      | (?P<str>"(?:[^"\\\n]|\\.)*")
      | (?P<rune>'(?:[^'\\\n]|\\.)+')
      | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<num>[0-9][0-9a-fA-FxX_.]*)
      | (?P<op>:=|\.\.\.|&&|\|\||[-+*/%&|^<>=!]=?|[{}()\[\],;:.])
    """,
    re.S | re.X,
)


def go_tokens(src):
    out, pos = [], 0
    while pos < len(src):
        m = GO_TOKEN.match(src, pos)
        if not m:
            out.append(("op", src[pos]))
            pos += 1
            continue
        pos = m.end()
        kind = m.lastgroup
        if kind in ("ws", "comment"):
            continue
        out.append((kind, m.group()))
    return out


def go_unquote(tok):
    kind, text = tok
    if kind == "raw":
        return text[1:-1].replace("\r", "")
    body = text[1:-1]
    # Go interpreted string: escapes close to Python's, bytes as \xNN / octal.
    out = bytearray()
    i = 0
    simple = {"n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11, "\\": 92, '"': 34, "'": 39}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e in "uU":
            w = 4 if e == "u" else 8
            out += chr(int(body[i + 2:i + 2 + w], 16)).encode()
            i += 2 + w
        elif e in "01234567":
            out.append(int(body[i + 1:i + 4], 8))
            i += 4
        else:
            raise ValueError(f"Go escape \\{e}")
    return out.decode("utf-8", "surrogateescape")


class Unresolved(Exception):
    pass


def go_sprintf(fmt, args):
    out, ai, i = [], 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        m = re.match(r"%([-+# 0]*[0-9]*(?:\.[0-9]+)?)([svdqx%])", fmt[i:])
        if not m:
            raise Unresolved("format verb")
        if m.group(2) == "%":
            out.append("%")
        else:
            if ai >= len(args):
                raise Unresolved("missing Sprintf argument")
            arg = args[ai]
            ai += 1
            out.append(json.dumps(arg) if m.group(2) == "q" else str(arg))
        i += m.end()
    return "".join(out)


class GoExpr:
    """Evaluates the string expressions of a test file: literals, `+`,
    fmt.Sprintf, strings.Repeat, and identifiers bound to those."""

    def __init__(self, toks, env, literal_only=False):
        self.toks, self.env, self.literal_only = toks, env, literal_only

    def parse(self, i):
        """Expression starting at i; returns (value, index after it)."""
        val, i = self.term(i)
        while i < len(self.toks) and self.toks[i] == ("op", "+"):
            rhs, i = self.term(i + 1)
            if isinstance(val, str) != isinstance(rhs, str):
                raise Unresolved("mixed +")
            val = val + rhs
        return val, i

    def term(self, i):
        if i >= len(self.toks):
            raise Unresolved("end of file")
        kind, text = self.toks[i]
        if kind in ("raw", "str"):
            return go_unquote(self.toks[i]), i + 1
        if self.literal_only:
            raise Unresolved("not a literal")
        if kind == "num" and text.isdigit():
            return int(text), i + 1
        if kind == "ident":
            if self.toks[i + 1:i + 3] == [("op", "."), ("ident", "Sprintf")] and text == "fmt":
                args, j = self.call_args(i + 3)
                if not args or not isinstance(args[0], str):
                    raise Unresolved("Sprintf format")
                return go_sprintf(args[0], args[1:]), j
            if self.toks[i + 1:i + 3] == [("op", "."), ("ident", "Repeat")] and text == "strings":
                args, j = self.call_args(i + 3)
                if len(args) != 2:
                    raise Unresolved("Repeat")
                return args[0] * args[1], j
            if text == "string" and self.toks[i + 1] == ("op", "("):
                args, j = self.call_args(i + 1)
                return args[0], j
            if text == "byte" or text == "[]byte":
                raise Unresolved("bytes")
            if text in self.env and self.toks[i + 1] not in (("op", "("), ("op", ".")):
                return self.env[text], i + 1
            raise Unresolved(f"identifier {text}")
        if (kind, text) == ("op", "("):
            val, j = self.parse(i + 1)
            if self.toks[j] != ("op", ")"):
                raise Unresolved("paren")
            return val, j + 1
        if (kind, text) == ("op", "[") and self.toks[i + 1:i + 4] == [("op", "]"), ("ident", "byte"), ("op", "(")]:
            args, j = self.call_args(i + 3)
            return args[0], j
        raise Unresolved(f"token {text}")

    def call_args(self, i):
        if self.toks[i] != ("op", "("):
            raise Unresolved("call")
        i += 1
        args = []
        while self.toks[i] != ("op", ")"):
            val, i = self.parse(i)
            args.append(val)
            if self.toks[i] == ("op", ","):
                i += 1
        return args, i + 1


def go_bindings(toks):
    """name -> string value for every `name = expr` / `name := expr` that evaluates."""
    env = {}
    for _ in range(3):  # a few passes: bindings may refer to later ones
        for i in range(1, len(toks) - 1):
            if toks[i][0] != "ident" or toks[i + 1] not in (("op", "="), ("op", ":=")):
                continue
            if toks[i - 1] in (("op", "."), ("op", ",")) or toks[i][1] in env:
                continue
            try:
                val, j = GoExpr(toks, env).parse(i + 2)
            except (Unresolved, IndexError, ValueError, TypeError):
                continue
            if j < len(toks) and toks[j] in (("op", "+"), ("op", "(")):
                continue
            env[toks[i][1]] = val
    return env


def skip_value(toks, i):
    """Index after the value starting at i in a composite literal (stops at , or the closing brace)."""
    depth = 0
    while i < len(toks):
        t = toks[i]
        if t in (("op", "("), ("op", "{"), ("op", "[")):
            depth += 1
        elif t in (("op", ")"), ("op", "}"), ("op", "]")):
            if depth == 0:
                return i
            depth -= 1
        elif t == ("op", ",") and depth == 0:
            return i
        i += 1
    return i


def want_is_empty(toks, i, env):
    """True for nil / T{} / an empty bound slice, False for a non-empty one, None if unknown."""
    j = skip_value(toks, i)
    value = toks[i:j]
    if value == [("ident", "nil")]:
        return True
    if value and value[-1] == ("op", "}"):
        k = value.index(("op", "{")) if ("op", "{") in value else None
        return k is not None and k == len(value) - 2
    return None


def trufflehog_cases(path):
    with open(path, encoding="utf-8", errors="replace") as fh:
        toks = go_tokens(fh.read())
    env = go_bindings(toks)
    for i in range(len(toks) - 1):
        if toks[i] != ("ident", "input") or toks[i + 1] != ("op", ":"):
            continue
        try:
            text, end = GoExpr(toks, env).parse(i + 2)
            if not isinstance(text, str) or toks[end] not in (("op", ","), ("op", "}")):
                raise Unresolved("input is not a string expression")
        except (Unresolved, IndexError, ValueError, TypeError) as err:
            SKIPPED[f"trufflehog input unresolved ({type(err).__name__})"] += 1
            continue
        # the `want:` of the same case: scan forward at this brace depth
        depth, k, empty = 0, end, None
        while k < len(toks) - 1:
            t = toks[k]
            if t in (("op", "{"), ("op", "("), ("op", "[")):
                depth += 1
            elif t in (("op", "}"), ("op", ")"), ("op", "]")):
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and t == ("ident", "want") and toks[k + 1] == ("op", ":"):
                empty = want_is_empty(toks, k + 2, env)
                break
            k += 1
        if empty is None:
            SKIPPED["trufflehog case without a readable want"] += 1
            continue
        yield ("negative" if empty else "positive"), text


def extract_trufflehog(source, root, detectors_dir):
    for dirpath, _dirs, files in sorted(os.walk(detectors_dir)):
        rel = os.path.relpath(dirpath, detectors_dir).split(os.sep)
        if rel == ["."]:
            continue
        names = [p for p in rel if not re.fullmatch(r"v\d+", p)]
        for name in sorted(files):
            if not name.endswith("_test.go") or name.endswith("_integration_test.go"):
                continue
            path = os.path.join(dirpath, name)
            for polarity, text in trufflehog_cases(path):
                yield {
                    "source": source,
                    # the detector's own directory, then its parent: aws/access_keys
                    "provider": names[0],
                    "provider_alt": names[1:],
                    "source_rule": "/".join(rel),
                    "polarity": polarity,
                    "origin": os.path.relpath(path, root),
                    "text": text,
                }


def gitleaks_lists(path):
    """(polarity, text) for literal elements of tps / fps lists and maps."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        toks = go_tokens(fh.read())
    for i in range(len(toks) - 3):
        name = toks[i][1] if toks[i][0] == "ident" else None
        if name not in ("tps", "fps"):
            continue
        polarity = "positive" if name == "tps" else "negative"
        if toks[i + 1] in (("op", ":="), ("op", "=")):
            j = i + 2
            if toks[j:j + 4] == [("op", "["), ("op", "]"), ("ident", "string"), ("op", "{")]:
                start, is_map = j + 4, False
            elif toks[j:j + 2] == [("ident", "map"), ("op", "[")]:
                start = toks.index(("op", "{"), j) + 1
                is_map = True
            elif toks[j:j + 3] == [("ident", "append"), ("op", "("), ("ident", name)]:
                start, is_map = j + 3, False
                if toks[start] == ("op", ","):
                    start += 1
            else:
                continue  # generated (utils.GenerateSampleSecrets…)
        else:
            continue
        k = start
        while k < len(toks) and toks[k] not in (("op", "}"), ("op", ")")):
            if toks[k] == ("op", ","):
                k += 1
                continue
            if is_map:  # "file.ext": value
                k = skip_value(toks, k)
                if toks[k] != ("op", ":"):
                    break
                k += 1
            elem_end = skip_value(toks, k)
            try:
                text, after = GoExpr(toks, {}, literal_only=True).parse(k)
                if after != elem_end:
                    raise Unresolved("not only literals")
                yield polarity, text
            except (Unresolved, IndexError, ValueError, TypeError):
                SKIPPED["gitleaks element not literal (generated)"] += 1
            k = elem_end


def extract_gitleaks(source, root, rules_dir):
    for name in sorted(os.listdir(rules_dir)):
        if not name.endswith(".go") or name.endswith("_test.go"):
            continue
        path = os.path.join(rules_dir, name)
        for polarity, text in gitleaks_lists(path):
            yield {
                "source": source,
                "provider": os.path.splitext(name)[0],
                "source_rule": name,
                "polarity": polarity,
                "origin": os.path.relpath(path, root),
                "text": text,
            }


# ---------------------------------------------------------------------- main

LAYOUTS = [
    ("kingfisher", "data/rules", extract_yaml_tree, "Cargo.toml"),
    ("noseyparker", "crates/noseyparker/data/default/builtin/rules", extract_yaml_tree, None),
    ("trufflehog", "pkg/detectors", extract_trufflehog, None),
    ("gitleaks", "cmd/generate/config/rules", extract_gitleaks, None),
]


def extract_tree(root):
    for source, sub, fn, _ in LAYOUTS:
        d = os.path.join(root, sub)
        if os.path.isdir(d):
            return source, fn(source, root, d)
    sys.exit(f"{root}: not a kingfisher, noseyparker, trufflehog or gitleaks tree")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trees", nargs="+")
    ap.add_argument("--out", default="/tmp/recall/examples.jsonl")
    args = ap.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    counts = collections.Counter()
    seen = set()
    with open(args.out, "w", encoding="utf-8") as out:
        for root in args.trees:
            source, rows = extract_tree(root)
            for row in rows:
                key = (row["source"], row["provider"], row["polarity"], row["text"])
                if not row["text"].strip() or key in seen:
                    counts[(source, "duplicate or empty")] += 1
                    continue
                seen.add(key)
                counts[(source, row["polarity"])] += 1
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    for (source, what), n in sorted(counts.items()):
        print(f"{source:12} {what:20} {n}", file=sys.stderr)
    for what, n in SKIPPED.most_common():
        print(f"skipped {n:5}  {what}", file=sys.stderr)


if __name__ == "__main__":
    main()
