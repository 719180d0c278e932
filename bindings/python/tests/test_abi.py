"""The ctypes view of the C API must match include/tcr.h exactly."""
import ctypes
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
import tcr
from tcr import _ffi

HEADER = ROOT / "include" / "tcr.h"


def _compiler():
    return os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")


@pytest.mark.skipif(_compiler() is None, reason="no C compiler")
def test_struct_sizes_and_offsets_match_the_compiler(tmp_path):
    lines = ['#include <stddef.h>', '#include <stdio.h>', '#include "tcr.h"', "int main(void) {", 'printf("{");']
    first = True
    for c_name, struct in _ffi.STRUCTS.items():
        entries = [f'\\"{c_name}\\": {{\\"size\\": %zu'] + [f'\\"{f}\\": %zu' for f, _ in struct._fields_]
        values = [f"sizeof({c_name})"] + [f"offsetof({c_name}, {f})" for f, _ in struct._fields_]
        sep = "" if first else ", "
        lines.append(f'printf("{sep}{", ".join(entries)}}}", {", ".join(values)});')
        first = False
    lines += ['printf("}\\n");', "return 0;", "}"]
    source = tmp_path / "layout.c"
    source.write_text("\n".join(lines))
    binary = tmp_path / "layout"
    subprocess.run([_compiler(), "-std=c99", "-Wall", "-Werror", f"-I{HEADER.parent}", str(source), "-o", str(binary)],
                   check=True)
    layout = json.loads(subprocess.run([str(binary)], check=True, capture_output=True, text=True).stdout)
    for c_name, struct in _ffi.STRUCTS.items():
        assert ctypes.sizeof(struct) == layout[c_name]["size"], c_name
        for field, _ in struct._fields_:
            assert getattr(struct, field).offset == layout[c_name][field], f"{c_name}.{field}"


def test_every_header_struct_and_function_is_declared():
    header = HEADER.read_text()
    structs = set(re.findall(r"typedef struct (tcr_\w+) \{", header))
    assert structs == set(_ffi.STRUCTS), "ctypes structs differ from the header's"
    functions = set(re.findall(r"^[\w \*]*?\b(tcr_\w+)\(", header, re.MULTILINE))
    assert functions == set(_ffi.declared_functions), "declared functions differ from the header's"


def test_status_numbers_match_the_header():
    header = HEADER.read_text()
    for name in ["TCR_OK", "TCR_INVALID_ARGUMENT", "TCR_CREDENTIALS", "TCR_NETWORK", "TCR_TIMEOUT", "TCR_API_ERROR",
                 "TCR_PROTOCOL", "TCR_INTERNAL", "TCR_ENABLE_UNSET", "TCR_ENABLE_TRUE", "TCR_ENABLE_FALSE"]:
        match = re.search(rf"\b{name}\b\s*=?\s*(\d+)", header)
        assert match, name
        assert int(match.group(1)) == getattr(_ffi, name), name
        if not name.startswith("TCR_ENABLE"):
            assert _ffi.lib.tcr_status_name(getattr(_ffi, name)).decode() == name


def test_a_missing_library_error_names_every_place_searched(tmp_path):
    # A copy of the package outside the repository, without libtcr inside it.
    package = tmp_path / "tcr"
    shutil.copytree(pathlib_of(_ffi.__file__), package, ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    env = dict(os.environ, TCR_LIBRARY=str(tmp_path / "nowhere" / "libtcr.so"), PYTHONPATH=str(tmp_path),
               LD_LIBRARY_PATH="")
    result = subprocess.run([sys.executable, "-c", "import tcr"], env=env, capture_output=True, text=True,
                            cwd=str(tmp_path))
    assert result.returncode != 0
    assert "LibraryNotFoundError" in result.stderr
    assert str(tmp_path / "nowhere" / "libtcr.so") in result.stderr
    assert str(package / "libtcr.so") in result.stderr
    assert "system loader" in result.stderr


def pathlib_of(module_file):
    import pathlib
    return pathlib.Path(module_file).resolve().parent


def test_the_package_wants_the_version_of_the_header_and_of_its_own_metadata():
    header = (ROOT / "include" / "tcr.h").read_text()
    major = int(re.search(r"#define TCR_VERSION_MAJOR (\d+)", header).group(1))
    minor = int(re.search(r"#define TCR_VERSION_MINOR (\d+)", header).group(1))
    assert _ffi.LIBRARY_ABI == (major, minor)
    pyproject = (ROOT / "bindings" / "python" / "pyproject.toml").read_text()
    version = re.search(r'^version = "(\d+)\.(\d+)\.\d+"', pyproject, flags=re.M)
    assert (int(version.group(1)), int(version.group(2))) == _ffi.LIBRARY_ABI
    assert tcr.__version__.split(".")[:2] == [str(major), str(minor)]
    assert tcr.library_version().split(".")[:2] == [str(major), str(minor)]


def test_a_library_of_another_minor_version_is_refused_naming_both_and_its_path(tmp_path):
    # A stand-in libtcr whose tcr_version says 0.3.0.
    source = tmp_path / "fake.c"
    source.write_text('const char *tcr_version(void) { return "0.3.0"; }\n')
    fake = tmp_path / "libtcr.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(fake), str(source)], check=True)
    env = dict(os.environ, TCR_LIBRARY=str(fake))
    result = subprocess.run([sys.executable, "-c", "import tcr"], env=env, capture_output=True, text=True,
                            cwd=str(tmp_path))
    assert result.returncode != 0
    assert "LibraryVersionError" in result.stderr
    assert "libtcr 0.3.0" in result.stderr and "0.2.x" in result.stderr and str(fake) in result.stderr
