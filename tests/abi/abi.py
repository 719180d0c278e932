"""libtcr's ABI as a text record, and the guard that keeps it honest.

    python3 tests/abi/abi.py check  [LIBRARY]   compare the build with abi/tcr.abi
    python3 tests/abi/abi.py record [LIBRARY]   rewrite abi/tcr.abi from the build

The record lists the SONAME, every exported symbol (from the library), every
function prototype, constant, enum value and type of include/tcr.h, and the
size, alignment and field offsets of every public struct as the C compiler
lays them out. `check` fails when the build differs from the record.
`record` refuses to write a record that removes or changes anything of the
recorded ABI under the same SONAME: such a change needs the version bump
that changes the SONAME (0.x: the minor version, see docs/abi.md's ABI
policy). Additions keep the SONAME: a new function, constant or status, and
a field appended to an extensible struct (one that begins with
`struct_size`): the struct may grow, every recorded field keeps its offset
and size, and the new field starts at or after the recorded size (never in
the old trailing padding, which an older caller may not have zeroed).
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
HEADER = ROOT / "include" / "tcr.h"
RECORD = pathlib.Path(os.environ.get("TCR_ABI_RECORD", ROOT / "abi" / "tcr.abi"))
BANNER = "# libtcr ABI, written by tests/abi/abi.py record; checked by make check-abi.\n"


def soname_of(library):
    text = subprocess.run(["readelf", "-d", library], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Library soname: \[(.+?)\]", text)
    if not found:
        sys.exit(f"abi.py: {library} has no SONAME")
    return found.group(1)


def exports_of(library):
    text = subprocess.run(["nm", "-D", "--defined-only", library], capture_output=True, text=True,
                          check=True).stdout
    return sorted(line.split()[-1] for line in text.splitlines() if line.split()[-1].startswith("tcr_"))


def header_items(text):
    """The header's declarations, comments removed, one normalised line each."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    items, structs = [], {}
    for name, value in re.findall(r"^#define (TCR_\w+) (.+)$", text, flags=re.M):
        if not name.startswith("TCR_VERSION_"):
            items.append(f"define {name} {value.strip()}")
    for name, body in re.findall(r"typedef enum (\w+) \{(.*?)\} \1;", text, flags=re.S):
        for entry, value in re.findall(r"(\w+) = (-?\w+)", body):
            items.append(f"enum {name} {entry} {value}")
    for name, body in re.findall(r"typedef struct (\w+) \{(.*?)\} \1;", text, flags=re.S):
        structs[name] = [re.findall(r"(\w+)\s*(?:\[\w*\])?$", field.strip())[0]
                         for field in body.split(";") if field.strip()]
    for name in re.findall(r"typedef struct (\w+) \1;", text):
        items.append(f"opaque {name}")
    body = re.sub(r"typedef (enum|struct) \w+ \{.*?\} \w+;", "", text, flags=re.S)
    body = re.sub(r"^#.*$", "", body, flags=re.M)
    for statement in body.split(";"):
        statement = " ".join(statement.split())
        statement = statement.replace('extern "C" {', "").replace("} // extern \"C\"", "").strip(" {}")
        if re.fullmatch(r"typedef struct (\w+) \1", statement):
            continue  # listed as opaque
        if statement.startswith("typedef"):
            items.append(f"type {statement};")
        elif re.search(r"\btcr_\w+\(", statement):
            items.append(f"function {statement};")
    return items, structs


def layouts(structs):
    """size, alignment and field offsets of each struct, from the compiler."""
    lines = ['#include <stdalign.h>', '#include <stddef.h>', '#include <stdio.h>', '#include "tcr.h"',
             "int main(void) {"]
    for name, fields in structs.items():
        lines.append(f'  printf("struct {name} size %zu align %zu\\n", sizeof({name}), alignof({name}));')
        for field in fields:
            lines.append(f'  printf("field {name}.{field} offset %zu size %zu\\n", '
                         f'offsetof({name}, {field}), sizeof((({name} *)0)->{field}));')
    lines += ["  return 0;", "}"]
    with tempfile.TemporaryDirectory() as scratch:
        source, program = os.path.join(scratch, "layout.c"), os.path.join(scratch, "layout")
        with open(source, "w") as out:
            out.write("\n".join(lines) + "\n")
        subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-I", str(ROOT / "include"), source, "-o", program],
                       check=True)
        return subprocess.run([program], capture_output=True, text=True, check=True).stdout.splitlines()


def current(library):
    items, structs = header_items(HEADER.read_text())
    return ([f"soname {soname_of(library)}"] + [f"export {name}" for name in exports_of(library)]
            + items + layouts(structs))


def recorded():
    if not RECORD.exists():
        return []
    return [line for line in RECORD.read_text().splitlines() if line and not line.startswith("#")]


def growth_only(removed, now):
    """The removed lines that are not the old size line of an extensible
    struct grown by appending fields (see the module's documentation)."""
    breaking = []
    for line in removed:
        old = re.fullmatch(r"struct (\w+) size (\d+) align (\d+)", line)
        if not old:
            breaking.append(line)
            continue
        name, old_size = old.group(1), int(old.group(2))
        new = next((re.fullmatch(r"struct \w+ size (\d+) align (\d+)", l) for l in now
                    if l.startswith(f"struct {name} size ")), None)
        extensible = f"field {name}.struct_size offset 0 size 8" in now
        grew = (new is not None and extensible and int(new.group(1)) > old_size
                and new.group(2) == old.group(3))
        if not grew:
            breaking.append(line)
    return breaking


def appended_into_padding(then, now):
    """Fields added to a struct at an offset below its recorded size."""
    bad = []
    for line in now:
        field = re.fullmatch(r"field (\w+)\.(\w+) offset (\d+) size \d+", line)
        if not field or line in then:
            continue
        recorded_size = next((int(l.split()[3]) for l in then if l.startswith(f"struct {field.group(1)} size ")),
                             None)
        if recorded_size is not None and int(field.group(3)) < recorded_size:
            bad.append(line)
    return bad


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("check", "record"):
        sys.exit(__doc__)
    library = sys.argv[2] if len(sys.argv) > 2 else str(ROOT / "target" / "release" / "libtcr.so")
    now, then = current(library), recorded()
    same_soname = bool(then) and now[0] == then[0]
    removed = [line for line in then if line not in now]
    added = [line for line in now if line not in then]
    # What an older program could notice: anything removed or changed, but
    # for extensible structs that only grew at their end.
    breaking = growth_only(removed, now) + appended_into_padding(then, now)
    if sys.argv[1] == "record":
        if same_soname and breaking:
            sys.exit("abi.py: these lines of the ABI would change under the same SONAME ({}):\n  {}\n"
                     "bump the version in Cargo.toml (0.x: the minor version) so that the SONAME changes, "
                     "rebuild, and record again.".format(now[0], "\n  ".join(breaking)))
        RECORD.parent.mkdir(exist_ok=True)
        RECORD.write_text(BANNER + "\n".join(now) + "\n")
        print(f"abi.py: recorded {len(now)} lines ({now[0]}) in {RECORD.name}")
        return
    if not removed and not added:
        print(f"abi.py: the ABI matches {RECORD.name} ({len(now)} lines, {now[0]})")
        return
    for line in removed:
        print(f"- {line}")
    for line in added:
        print(f"+ {line}")
    if same_soname and breaking:
        sys.exit(f"abi.py: the ABI changed under the same SONAME ({now[0]}): bump the version in Cargo.toml "
                 "(0.x: the minor version), rebuild, then `make abi-record`; note it in CHANGELOG.md")
    sys.exit("abi.py: the ABI record is out of date (additions, or a new SONAME): run `make abi-record` and "
             "commit abi/tcr.abi (and a CHANGELOG.md entry)")


if __name__ == "__main__":
    main()
