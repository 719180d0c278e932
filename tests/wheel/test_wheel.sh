#!/usr/bin/env bash
# The Python package as a user installs it: `pip wheel ./bindings/python`
# builds libtcr with cargo into a platform wheel; the wheel is checked
# (tag, platlib, the library and the license inside, auditwheel's policy),
# installed alone into a fresh virtualenv, and used from outside the
# checkout, with no TCR_LIBRARY, against the emulator.
# Run through tests/with-emulator.sh; PYTHON is a Python with auditwheel.
# WHEEL: test this wheel instead of building one; EXPECT_POLICY: the
# manylinux tag auditwheel must find it consistent with (and the wheel's
# own tag), e.g. manylinux_2_17_x86_64. Ends with "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi; }

if [ -n "${WHEEL:-}" ]; then
  wheel=$WHEEL
else
  "$python" -m pip wheel --quiet --disable-pip-version-check --no-deps -w "$work/dist" "$root/bindings/python"
  check "pip wheel ./bindings/python" $?
  wheel=$(ls "$work"/dist/tcr_ffi-*.whl 2>/dev/null | head -n1)
fi
case "$wheel" in
  *-py3-none-${EXPECT_POLICY:-linux_x86_64}.whl) check "a platform wheel: $(basename "$wheel")" 0 ;;
  *) check "a py3-none-${EXPECT_POLICY:-linux_x86_64} wheel: got '$(basename "$wheel")'" 1 ;;
esac
listing=$("$python" -m zipfile -l "$wheel")
echo "$listing" | grep -Eq '^tcr/libtcr\.so ' ; check "libtcr.so is inside the package" $?
echo "$listing" | grep -Eq '^tcr_ffi-[^/]*\.dist-info/(licenses/)?LICENSE '; check "the license is in the wheel" $?
"$python" - "$wheel" <<'PY'; check "Root-Is-Purelib: false (platlib)" $?
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/WHEEL"))
    sys.exit(0 if "Root-Is-Purelib: false" in z.read(meta).decode() else 1)
PY
policy=$("$python" -m auditwheel show "$wheel" 2>&1); status=$?
echo "$policy" | grep -Eq "platform tag: \"${EXPECT_POLICY:-manylinux_2_[0-9]+_x86_64}\""
check "auditwheel show reports ${EXPECT_POLICY:-a manylinux} policy" $(( status == 0 ? $? : 1 ))
echo "$policy" | grep -o 'manylinux_2_[0-9]*_x86_64' | head -n1 > "$work/policy"

python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
check "the wheel installs alone, with no index" $?
mkdir "$work/elsewhere"
(cd "$work/elsewhere" && env -u TCR_LIBRARY -u PYTHONPATH "$work/venv/bin/python" - <<'PY')
import os, tcr
assert tcr._ffi.library_path.startswith(os.path.dirname(tcr.__file__)), tcr._ffi.library_path
with tcr.Client(secret_id="AKIDEMULATOR0000000000000000000000000", secret_key="EmulatorDemoSecretKey000000000000",
                region="ap-guangzhou", endpoint=os.environ["TCR_EMULATOR_URL"]) as client:
    reply = client.modify_instance_token("tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f", enable=False)
assert len(reply.request_id) == 36, reply
PY
check "the installed package calls the emulator from outside the checkout, with its own libtcr" $?
echo "wheel $(basename "$wheel"): $(stat -c %s "$wheel") bytes, policy $(cat "$work/policy")"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
