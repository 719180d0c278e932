"""Builds libtcr with cargo and ships it inside the tcr package.

The wheel carries a native library but no Python extension, so it is a
platform wheel for any Python 3 (py3-none-<platform>) with the library in
platlib. There is no sdist: libtcr's Rust sources live two directories up,
outside this project, and an sdist without them could not build; build a
wheel from the repository instead (pip wheel ./bindings/python).

Environment: CARGO (default cargo); TCR_CARGO_FEATURES, features to build
with (the repository's Makefile passes the ones of its own build, so that
cargo reuses it instead of building again); CARGO_TARGET_DIR.
"""
import os
import pathlib
import shutil
import subprocess

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = pathlib.Path(__file__).resolve().parent
CRATE = HERE.parents[1]  # bindings/python -> the repository root


def build_libtcr() -> pathlib.Path:
    if not (CRATE / "Cargo.toml").is_file():
        raise SystemExit(f"tcr-ffi builds libtcr from the repository that holds it; no Cargo.toml in {CRATE}")
    command = [os.environ.get("CARGO", "cargo"), "build", "--release", "--lib"]
    if os.environ.get("TCR_CARGO_FEATURES"):
        command += ["--features", os.environ["TCR_CARGO_FEATURES"]]
    subprocess.run(command, cwd=CRATE, check=True)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", CRATE / "target"))
    return target / "release" / "libtcr.so"


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
        return "py3", "none", platform


class NoSdist(sdist):
    def run(self) -> None:
        raise SystemExit("tcr-ffi has no sdist (libtcr's sources are outside this directory): "
                         "build a wheel with `pip wheel ./bindings/python` from the repository")


setup(distclass=BinaryDistribution,
      cmdclass={"build_py": BuildPy, "bdist_wheel": PlatformWheel, "sdist": NoSdist})
