"""Builds libtcr with cargo and ships it inside the tcr package.

The wheel carries a native library but no Python extension, so it is a
platform wheel for any Python 3 (py3-none-<platform>) with the library in
platlib. There is no sdist: libtcr's Rust sources live two directories up,
outside this project, and an sdist without them could not build; build a
wheel from the repository instead (pip wheel ./bindings/python).

Environment: CARGO (default cargo); TCR_CARGO_FEATURES, features to build
with (the repository's Makefile passes the ones of its own build, so that
cargo reuses it instead of building again); CARGO_TARGET_DIR;
TCR_CARGO_TARGET, a target to build for, and TCR_CARGO_BUILD, the cargo
subcommand (default build). With cargo-zigbuild's glibc-versioned targets
(`make dist`: TCR_CARGO_BUILD=zigbuild
TCR_CARGO_TARGET=x86_64-unknown-linux-gnu.2.17) the wheel is tagged
manylinux_2_17_x86_64, the floor that target links against.
TCR_PREBUILT_LIBRARY: a libtcr.so built elsewhere (the arm64 one, built in
the Debian root of scripts/arm64-root.sh) to ship instead of building one;
TCR_CARGO_TARGET then only names its target, for the wheel's tag
(aarch64-unknown-linux-gnu.2.17: manylinux_2_17_aarch64).
"""
import os
import pathlib
import re
import shutil
import subprocess
from typing import Optional

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = pathlib.Path(__file__).resolve().parent
CRATE = HERE.parents[1]  # bindings/python -> the repository root


# A cargo-zigbuild target pinned to a glibc: x86_64-unknown-linux-gnu.2.17.
GLIBC_TARGET = re.compile(r"^((x86_64|aarch64)-unknown-linux-gnu)\.2\.(\d+)$")


def build_libtcr() -> pathlib.Path:
    prebuilt = os.environ.get("TCR_PREBUILT_LIBRARY")
    if prebuilt:
        return pathlib.Path(prebuilt)
    if not (CRATE / "Cargo.toml").is_file():
        raise SystemExit(f"tcr-ffi builds libtcr from the repository that holds it; no Cargo.toml in {CRATE}")
    command = [os.environ.get("CARGO", "cargo"), os.environ.get("TCR_CARGO_BUILD", "build"), "--release", "--lib"]
    if os.environ.get("TCR_CARGO_FEATURES"):
        command += ["--features", os.environ["TCR_CARGO_FEATURES"]]
    release = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", CRATE / "target"))
    target = os.environ.get("TCR_CARGO_TARGET")
    if target:
        command += ["--target", target]
        pinned = GLIBC_TARGET.match(target)
        release /= pinned.group(1) if pinned else target
    subprocess.run(command, cwd=CRATE, check=True)
    return release / "release" / "libtcr.so"


def manylinux_tag() -> Optional[str]:
    """The manylinux tag of a glibc-pinned target, e.g. manylinux_2_17_x86_64."""
    pinned = GLIBC_TARGET.match(os.environ.get("TCR_CARGO_TARGET", ""))
    return f"manylinux_2_{pinned.group(3)}_{pinned.group(2)}" if pinned else None


class BuildPy(build_py):
    """The Python files, then a fresh libtcr.so: copied on every build, so a
    build/ directory left from an earlier one cannot ship an older library."""

    def run(self) -> None:
        super().run()
        library = build_libtcr()
        package = pathlib.Path(self.build_lib) / "tcr"
        package.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(library, package / "libtcr.so")


class BinaryDistribution(Distribution):
    """A distribution with platform-specific content: installed to platlib."""

    def has_ext_modules(self) -> bool:
        return True


class PlatformWheel(bdist_wheel):
    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):  # type: ignore[no-untyped-def]
        _, _, platform = super().get_tag()
        return "py3", "none", manylinux_tag() or platform


class NoSdist(sdist):
    def run(self) -> None:
        raise SystemExit("tcr-ffi has no sdist (libtcr's sources are outside this directory): "
                         "build a wheel with `pip wheel ./bindings/python` from the repository")


setup(distclass=BinaryDistribution,
      cmdclass={"build_py": BuildPy, "bdist_wheel": PlatformWheel, "sdist": NoSdist})
