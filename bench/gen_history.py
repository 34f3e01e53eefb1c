#!/usr/bin/env python3
"""Deterministic synthetic git history for keylint's benchmarks, as a
`git fast-import` stream on stdout.

    gen_history.py history COMMITS FILES_PER_COMMIT   # many commits
    gen_history.py wide FILES                         # one commit, many files

`history`: 2,000 files in a three-level directory tree; each commit edits
FILES_PER_COMMIT of them (a few lines changed, so every edit is a new
blob), and about one edit in 1,000 adds a fake key (from
fixtures/fakekey.py) that a later edit removes.  Also a side branch and a
few tags, so the walk has more than one ref.  Same arguments, same bytes.
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
import fakekey  # noqa: E402

WORDS = (
    "def return self value config client request response token account "
    "project service handler result error retry timeout buffer stream index "
    "cache user session query limit offset filter record batch worker"
).split()
KEY_KINDS = ["openai-proj56", "aws-akid", "ghp", "openai-proj"]
EPOCH = 1_600_000_000


def line(rng):
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
    return f"    {rng.choice(WORDS)}_{rng.randint(0, 999)} = \"{words}\"  # {rng.randint(0, 10**6)}"


def emit(out, text):
    data = text.encode()
    out.write(b"data %d\n" % len(data))
    out.write(data)
    out.write(b"\n")


def commit_header(out, ref, mark, n, message):
    out.write(f"commit {ref}\nmark :{mark}\n".encode())
    when = EPOCH + n * 600
    out.write(f"author Dev {n % 17} <dev{n % 17}@example.com> {when} +0000\n".encode())
    out.write(f"committer Dev {n % 17} <dev{n % 17}@example.com> {when} +0000\n".encode())
    emit(out, message)


def history(commits, per_commit):
    rng = random.Random(42)
    out = sys.stdout.buffer
    paths = [f"pkg{a:02}/mod{b}/file{c}.py" for a in range(40) for b in range(5) for c in range(10)]
    files = {p: [f"# {p}"] + [line(rng) for _ in range(rng.randint(20, 40))] for p in paths}
    keys = 0
    mark = 0
    for n in range(commits):
        mark += 1
        branch = "refs/heads/side" if n % 10 == 9 and n > 10 else "refs/heads/main"
        commit_header(out, branch, mark, n, f"change {n}\n")
        if n == 19:
            out.write(f"from :{mark - 1}\n".encode())
        for path in rng.sample(paths, per_commit):
            body = files[path]
            for _ in range(rng.randint(1, 3)):
                body[rng.randrange(1, len(body))] = line(rng)
            body[0] = f"# {path} rev {n}"
            if rng.random() < 0.001:
                keys += 1
                kind = KEY_KINDS[keys % len(KEY_KINDS)]
                key = fakekey.KINDS[kind](random.Random(f"bench:{keys}"))
                body.insert(rng.randrange(1, len(body)), f'    API_KEY = "{key}"')
            elif any("API_KEY" in l for l in body) and rng.random() < 0.3:
                files[path] = body = [l for l in body if "API_KEY" not in l]
            out.write(f"M 100644 inline {path}\n".encode())
            emit(out, "\n".join(body) + "\n")
        out.write(b"\n")
        if n % 5000 == 4999:
            out.write(f"tag v{n // 5000}\nfrom :{mark}\n".encode())
            out.write(f"tagger Dev <dev@example.com> {EPOCH + n * 600} +0000\n".encode())
            emit(out, f"release {n // 5000}\n")
    sys.stderr.write(f"gen_history: {commits} commits, {keys} fake keys\n")


def wide(count):
    rng = random.Random(7)
    out = sys.stdout.buffer
    commit_header(out, "refs/heads/main", 1, 0, "many files\n")
    for i in range(count):
        path = f"src/d{i // 2500:02}/m{i // 100 % 25:02}/f{i:05}.txt"
        out.write(f"M 100644 inline {path}\n".encode())
        emit(out, "\n".join(line(rng) for _ in range(12)) + "\n")
    out.write(b"\n")


if __name__ == "__main__":
    if sys.argv[1] == "history":
        history(int(sys.argv[2]), int(sys.argv[3]))
    else:
        wide(int(sys.argv[2]))
