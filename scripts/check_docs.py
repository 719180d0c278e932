#!/usr/bin/env python3
"""The guides are checked like code (run by `make check-docs`, in `make test`).

1. Every relative link in the Markdown files resolves: the file exists and,
   for `file.md#anchor` or `#anchor`, so does a heading with that anchor.
2. Every fenced code block tagged c, python, go, rust or sh in the guides
   (README.md, CONTRIBUTING.md, tests/README.md, docs/, the Python
   package's README) is run by `make test`, in one of three ways, or the
   line before it is `<!-- not run: REASON -->`:
   - its lines are, in order, lines of a file that make test runs (an
     example program, a test, a doc comment that is a doctest);
   - a C program (it has `int main`), a Python script, a Go program
     (`package main`), or a shell block of `tcr` command lines (each line
     a `tcr ...` command, `echo ... | tcr ...`, or a comment, run by bash with the build's
     target/release first on PATH): this script builds and runs it against a fresh
     tcr-emulator, with the emulator's demo key pair in
     TENCENTCLOUD_SECRET_ID/_KEY, TENCENTCLOUD_REGION=ap-guangzhou, and
     TCR_ENDPOINT and TCR_STS_ENDPOINT set to the emulator (whose STS
     grants the role the examples assume), so the text is exactly what a user
     runs against the service with their own environment; it must exit 0.
   Nothing is sent anywhere but 127.0.0.1.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUIDES = ["README.md", "CONTRIBUTING.md", "tests/README.md", "bindings/python/README.md"] + sorted(
    os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))
LINKED = GUIDES + ["CHANGELOG.md", "BENCHMARKS.md", "RELIABILITY.md"]
TAGS = {"c", "python", "go", "rust", "sh"}
# Files whose code make test runs, for the "same text" rule, by language.
RUN_SOURCES = {
    "c": ["examples/*.c", "tests/c/*.c", "tests/install/*.c"],
    "python": ["bindings/python/examples/*.py", "bindings/python/tests/*.py", "tests/python/*.py"],
    "go": ["bindings/go/*_test.go", "bindings/go/examples/*/main.go", "bindings/go/tcrtest/*.go"],
    "rust": ["src/**/*.rs"],  # doc comments only: the doctests
    "sh": [],
}
DEMO_ID = "AKIDEMULATOR0000000000000000000000000"
DEMO_KEY = "EmulatorDemoSecretKey000000000000"
# The role the docs' examples assume; the emulator's STS grants it.
DOCS_ROLE = "qcs::cam::uin/100000000001:roleName/ci"
RELEASE = os.path.join(ROOT, "target", "release")

problems = []


def slug(heading):
    """GitHub's anchor of a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    found, fenced = set(), False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            found.add(slug(line.lstrip("#")))
    return found


def check_links(md):
    text = open(os.path.join(ROOT, md), encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code is not prose
    text = re.sub(r"`[^`\n]*`", "", text)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue  # http(s), mailto: not checked (no network)
        path, _, anchor = target.partition("#")
        full = os.path.normpath(os.path.join(ROOT, os.path.dirname(md), path)) if path else os.path.join(ROOT, md)
        if not os.path.exists(full):
            problems.append(f"{md}: link to {target}: {os.path.relpath(full, ROOT)} does not exist")
        elif anchor and full.endswith(".md") and anchor not in anchors(full):
            problems.append(f"{md}: link to {target}: no heading with anchor #{anchor}")


def blocks(md):
    """(line number, tag, text, the non-blank line before the fence) of each fenced block."""
    lines = open(os.path.join(ROOT, md), encoding="utf-8").read().split("\n")
    i, previous = 0, ""
    while i < len(lines):
        match = re.match(r"^(\s*)```(\w*)\s*$", lines[i])
        if match:
            indent, tag, start = match.group(1), match.group(2), i
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
                i += 1
            yield start + 1, tag, "\n".join(body), previous
            previous = ""
        elif lines[i].strip():
            previous = lines[i].strip()
        i += 1


def normalized(text):
    return [line.strip() for line in text.split("\n") if line.strip()]


def source_lines(tag):
    """Each run file's non-blank lines, stripped (for Rust: its doc comments, visible lines)."""
    for pattern in RUN_SOURCES[tag]:
        for path in glob.glob(os.path.join(ROOT, pattern), recursive=True):
            text = open(path, encoding="utf-8").read()
            if tag == "rust":
                docs = [re.sub(r"^\s*//[/!] ?", "", l) for l in text.split("\n") if re.match(r"^\s*//[/!]", l)]
                text = "\n".join(l for l in docs if not l.startswith("# ") and l != "#")
            yield path, normalized(text)


def contained(tag, body):
    want = normalized(body)
    if not want:
        return None
    for path, have in source_lines(tag):
        for start in range(len(have) - len(want) + 1):
            if have[start:start + len(want)] == want:
                return os.path.relpath(path, ROOT)
    return None


class Emulator:
    def __enter__(self):
        self.process = subprocess.Popen([os.path.join(RELEASE, "tcr-emulator"), "--rate", "0",
                                         "--key", f"{DEMO_ID}:{DEMO_KEY}", "--sts-role", DOCS_ROLE],
                                        stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"tcr-emulator printed {self.url!r}")
        return self

    def requests(self):
        import json
        with urllib.request.urlopen(self.url + "/_emulator/stats", timeout=10) as reply:
            return json.load(reply)["requests"]

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()


def run_block(md, line, tag, body):
    where = f"{md}:{line}"
    with tempfile.TemporaryDirectory(prefix="tcr-docs-") as tmp, Emulator() as emulator:
        env = dict(os.environ, TENCENTCLOUD_SECRET_ID=DEMO_ID, TENCENTCLOUD_SECRET_KEY=DEMO_KEY,
                   TENCENTCLOUD_REGION="ap-guangzhou", TCR_ENDPOINT=emulator.url, TCR_STS_ENDPOINT=emulator.url,
                   TCR_LIBRARY=os.path.join(RELEASE, "libtcr.so"),
                   PYTHONPATH=os.path.join(ROOT, "bindings", "python", "src"), HOME=tmp,
                   TCR_EMULATOR=os.path.join(RELEASE, "tcr-emulator"))
        env.pop("TENCENTCLOUD_SESSION_TOKEN", None)
        env.pop("TENCENTCLOUD_PROFILE", None)
        if tag == "c":
            source, program = os.path.join(tmp, "block.c"), os.path.join(tmp, "block")
            open(source, "w").write(body + "\n")
            steps = [[os.environ.get("CC", "cc"), "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "include"),
                      source, "-o", program, "-L", RELEASE, "-ltcr", f"-Wl,-rpath,{RELEASE}"], [program]]
        elif tag == "python":
            source = os.path.join(tmp, "block.py")
            open(source, "w").write(body + "\n")
            steps = [[sys.executable, source]]
        elif tag == "sh":
            open(os.path.join(tmp, "block.sh"), "w").write("set -euo pipefail\n" + body + "\n")
            env["PATH"] = RELEASE + os.pathsep + env.get("PATH", "")
            steps = [["bash", os.path.join(tmp, "block.sh")]]
        elif tag == "go":
            open(os.path.join(tmp, "main.go"), "w").write(body + "\n")
            open(os.path.join(tmp, "go.mod"), "w").write(
                "module docblock\n\ngo 1.22\n\nrequire github.com/tcr-ffi/tcr/bindings/go v0.0.0\n\n"
                f"replace github.com/tcr-ffi/tcr/bindings/go => {os.path.join(ROOT, 'bindings', 'go')}\n")
            env.update(GOFLAGS="-mod=mod", GOPROXY="off", GOCACHE=os.environ.get("GOCACHE") or
                       subprocess.run(["go", "env", "GOCACHE"], capture_output=True, text=True).stdout.strip())
            steps = [["go", "build", "-o", "block", "."], [os.path.join(tmp, "block")]]
        else:
            raise AssertionError(tag)
        started = time.monotonic()
        for step in steps:
            done = subprocess.run(step, cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                problems.append(f"{where}: the {tag} block failed ({' '.join(step[:2])}, status {done.returncode}):\n"
                                + (done.stdout + done.stderr)[-2000:])
                return
        sent = emulator.requests()
        print(f"check_docs: ran {where} ({tag}, {time.monotonic() - started:.1f} s, {sent} request(s) to the emulator)")


def check_blocks(md):
    counts = {"run": 0, "same text": 0, "not run": 0}
    for line, tag, body, previous in blocks(md):
        if tag not in TAGS:
            continue
        marker = re.match(r"^<!-- not run: (.+?) -->$", previous)
        if marker and marker.group(1).strip():
            counts["not run"] += 1
            continue
        if contained(tag, body):
            counts["same text"] += 1
            continue
        commands = [l for l in body.splitlines() if l.strip() and not l.lstrip().startswith("#")]
        runnable = ((tag == "c" and re.search(r"\bint main\s*\(", body)) or tag == "python"
                    or (tag == "go" and body.lstrip().startswith("package main"))
                    or (tag == "sh" and commands and all(re.match(r"^(tcr [A-Z]|echo .*\| tcr [A-Z])", l) for l in commands)))
        if runnable:
            run_block(md, line, tag, body)
            counts["run"] += 1
            continue
        problems.append(f"{md}:{line}: this {tag} block is not run by make test (not a complete program, and not "
                        "the text of a file make test runs): make it one, or precede it with <!-- not run: REASON -->")
    return counts


def main():
    totals = {"run": 0, "same text": 0, "not run": 0}
    for md in LINKED:
        if os.path.exists(os.path.join(ROOT, md)):
            check_links(md)
        elif md in GUIDES:
            problems.append(f"{md} is missing")
    for md in GUIDES:
        if os.path.exists(os.path.join(ROOT, md)):
            for key, value in check_blocks(md).items():
                totals[key] += value
    readme = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read().count("\n")
    if readme > 150:
        problems.append(f"README.md has {readme} lines; the front page stays within 150 (details go to docs/)")
    for problem in problems:
        print(f"check_docs: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check_docs: links resolve in {len(LINKED)} files; code blocks: {totals['run']} run here, "
          f"{totals['same text']} the text of a file make test runs, {totals['not run']} marked not run")


def self_test():
    """The checker fails where it must: a broken link, a missing anchor, an
    unmarked fragment, a failing program; and passes a marked one."""
    global problems
    with tempfile.TemporaryDirectory(prefix="tcr-docs-self-test-", dir=ROOT) as tmp:
        md = os.path.relpath(os.path.join(tmp, "page.md"), ROOT)
        open(os.path.join(ROOT, md), "w").write(
            "# Title\n\n[a](missing.md) [b](#no-such-heading) [c](#title)\n\n"
            "```c\nputs(\"a fragment\");\n```\n\n"
            "```python\nraise SystemExit(3)\n```\n\n"
            "```sh\ntcr ModifyInstanceToken --RegistryId tcr-12345 --TokenId nope --Enable false\n```\n\n"
            "<!-- not run: shown only -->\n```sh\necho shown only\n```\n")
        problems = []
        check_links(md)
        check_blocks(md)
        found = "\n".join(problems)
        expected = ["missing.md does not exist", "no heading with anchor #no-such-heading",
                    "this c block is not run", "the python block failed", "the sh block failed"]
        missing = [e for e in expected if e not in found]
        if missing or len(problems) != len(expected):
            print(f"check_docs self-test: expected {expected}, got {problems}", file=sys.stderr)
            sys.exit(1)
    problems = []
    print("check_docs: self-test: a broken link, a missing anchor, an unmarked fragment and a failing block "
          "are each reported")


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    else:
        main()
