"""Every function of include/tcr.h documents each of its parameters.

The comment right above a prototype must name every parameter in
backquotes (`client`, `options`, ...), where the header says who owns it,
whether it may be NULL and how long it must live. Run by `make check-header`.
"""
import re
import sys

HEADER = sys.argv[1] if len(sys.argv) > 1 else "include/tcr.h"
lines = open(HEADER).read().split("\n")
problems, checked = [], 0
i = 0
while i < len(lines):
    line = lines[i]
    if re.match(r"^[a-z][\w ]*[ *]tcr_\w+\(", line):
        start, proto = i, line
        while not proto.rstrip().endswith(";"):
            i += 1
            proto += " " + lines[i].strip()
        name = re.search(r"(tcr_\w+)\(", proto).group(1)
        params = proto[proto.index("(") + 1:proto.rindex(")")]
        names = [re.split(r"[ *]+", p.strip())[-1] for p in params.split(",") if p.strip() not in ("", "void")]
        # The comment block that ends on the line above the prototype.
        j, doc = start - 1, []
        if lines[j].strip() == "*/":
            while not lines[j].lstrip().startswith("/*"):
                doc.append(lines[j])
                j -= 1
        text = "\n".join(doc)
        if not text:
            problems.append(f"{name}: no comment")
        for p in names:
            if f"`{p}`" not in text:
                problems.append(f"{name}: parameter `{p}` is not documented")
        checked += 1
    i += 1
if checked < 15:
    problems.append(f"only {checked} functions found in {HEADER}: the parser no longer reads it")
for p in problems:
    print(f"header_docs: {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"header_docs: every parameter of {checked} functions is documented")
