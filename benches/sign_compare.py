"""One TC3 signature: ours (criterion, callgrind) against the SHA-256 work no
signer can avoid, and against the official Go SDK's signing code. Run by
`make bench-sign` (and `make bench`); prints one table.

- criterion (benches/signing.rs): `sign/full` is the date, the signature and
  the Authorization header of the seed's first example with the day's key
  already derived; `sign/sha256_floor` is SHA-256 of the payload, SHA-256 of
  the canonical request and one HMAC-SHA256 of the string to sign, on
  prebuilt bytes. Both run in the same process, one after the other.
- paired: the same binary alternates 20,000 signatures and 20,000 floors
  41 times and reports the median of the 41 ratios, each taken under the
  same load (the figure to quote on a shared machine).
- callgrind: instructions per signature, from two runs of n and n + 20,000
  signatures, so start-up cancels out. Valgrind hides SHA-NI from the
  program, so these counts are of sha2's portable code, not of what runs
  natively; the ratio is what is stable.
- The official Go SDK signs inside an unexported send function. Its whole
  call runs in memory (BenchmarkOfficialInMemory, canned transport) under
  the Go CPU profiler, and the time of the source lines that build the
  canonical request, the string to sign, the key and the header (the JSON
  encoding of the body excluded) is divided by the number of calls.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GO_CALLS = 200_000


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=kw.pop("cwd", ROOT), **kw)


def criterion():
    run(["cargo", "bench", "--features", "emulator", "--bench", "signing", "--", "--warm-up-time", "1", "--measurement-time", "4", "sign/"])
    out = {}
    for name in ("full", "sha256_floor", "full_unprepared", "derive_key_once_a_day"):
        est = json.loads((ROOT / "target" / "criterion" / "sign" / name / "new" / "estimates.json").read_text())
        out[name] = (est["median"]["point_estimate"], est["median"]["confidence_interval"]["lower_bound"],
                     est["median"]["confidence_interval"]["upper_bound"])
    return out


def bench_binary():
    text = run(["cargo", "bench", "--features", "emulator", "--bench", "signing", "--no-run", "--message-format=json"]).stdout
    for line in text.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "signing" and msg.get("executable"):
            return msg["executable"]
    raise SystemExit("sign_compare: the signing bench binary was not built")


def paired(binary):
    """Median full/floor ratio over rounds that time both back to back."""
    out = run([binary], env=dict(os.environ, TCR_SIGN_PAIRED="1")).stdout
    m = re.search(r"median ([\d.]+) \(min ([\d.]+), max ([\d.]+)\)", out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def callgrind(binary):
    if not shutil.which("valgrind"):
        return None
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for which in ("full", "floor"):
            ir = []
            for n in (1_000, 21_000):
                out = Path(tmp) / f"cg.{which}.{n}"
                env = dict(os.environ, TCR_SIGN_LOOP=f"{which}:{n}")
                res = run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary], env=env)
                ir.append(int(re.search(r"Collected : (\d+)", res.stderr).group(1)))
            counts[which] = (ir[1] - ir[0]) / 20_000
    return counts


def seconds(text):
    text = text.strip()
    for unit, scale in (("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    return 0.0  # "." means no samples


def go_sdk():
    go_dir = ROOT / "tests" / "gosdk"
    with tempfile.TemporaryDirectory() as tmp:
        prof, test = Path(tmp) / "cpu.prof", Path(tmp) / "go.test"
        # TestMain needs an emulator URL only to skip starting one; nothing is sent.
        env = dict(os.environ, TCR_BENCH_EMULATOR_URL="http://127.0.0.1:9")
        res = run(["go", "test", "-run", "^$", "-bench", "^BenchmarkOfficialInMemory$", "-benchtime", f"{GO_CALLS}x",
                   "-cpuprofile", str(prof), "-o", str(test), "."], cwd=go_dir, env=env)
        per_call_ns = float(re.search(r"BenchmarkOfficialInMemory\S*\s+\d+\s+([\d.]+) ns/op", res.stdout).group(1))
        gopath = run(["go", "env", "GOPATH"], cwd=go_dir).stdout.strip()
        listing = run(["go", "tool", "pprof", f"-source_path={gopath}", "-list", r"\.sendWithSignatureV3$",
                       str(test), str(prof)], cwd=go_dir).stdout
    signing, inside = 0.0, False
    for line in listing.splitlines():
        m = re.match(r"\s*(\S+)\s+(\S+)\s+(\d+):(.*)$", line)
        if not m:
            continue
        code = m.group(4)
        if "canonicalHeaders := fmt.Sprintf" in code:
            inside = True
        if 'headers["Authorization"] = authorization' in code:
            inside = False
        if inside and "json.Marshal" not in code and "requestPayload = string(b)" not in code:
            signing += seconds(m.group(2))
    if signing == 0.0:
        raise SystemExit("sign_compare: could not find the SDK's signing lines in the profile")
    return signing / GO_CALLS * 1e9, per_call_ns


def main():
    crit = criterion()
    binary = bench_binary()
    ratio = paired(binary)
    counts = callgrind(binary)
    sdk_sign_ns, sdk_call_ns = go_sdk()
    full, floor, derive = crit["full"], crit["sha256_floor"], crit["derive_key_once_a_day"]
    unprepared = crit["full_unprepared"]
    print("\n== One TC3 signature (seed example 1), this machine")
    print(f"{'what':58s} {'median':>10s}  (95% CI)")
    print(f"{'ours: date + signature + Authorization (criterion)':58s} {full[0]:8.0f} ns  ({full[1]:.0f}-{full[2]:.0f})")
    print(f"{'SHA-256 floor: payload + canonical + 1 HMAC (criterion)':58s} {floor[0]:8.0f} ns  ({floor[1]:.0f}-{floor[2]:.0f})")
    print(f"{'ours, canonical prefix not prepared (criterion)':58s} {unprepared[0]:8.0f} ns  ({unprepared[1]:.0f}-{unprepared[2]:.0f})")
    print(f"{'ours: deriving the day key (once per day and secret)':58s} {derive[0]:8.0f} ns  ({derive[1]:.0f}-{derive[2]:.0f})")
    print(f"{'official Go SDK signing code (pprof share of its call)':58s} {sdk_sign_ns:8.0f} ns")
    print(f"{'official Go SDK whole call in memory (canned transport)':58s} {sdk_call_ns:8.0f} ns")
    if counts:
        print(f"{'ours, instructions per signature (callgrind)':58s} {counts['full']:8.0f} Ir")
        print(f"{'SHA-256 floor, instructions (callgrind)':58s} {counts['floor']:8.0f} Ir")
    print("ratios:")
    print(f"  ours / SHA-256 floor (time, paired) {ratio[0]:5.2f}x   (min {ratio[1]:.2f}, max {ratio[2]:.2f} over 41 rounds;"
          " target <= 1.3x)")
    print(f"  ours / SHA-256 floor (criterion)    {full[0] / floor[0]:5.2f}x")
    if counts:
        print(f"  ours / SHA-256 floor (instructions) {counts['full'] / counts['floor']:5.2f}x")
    print(f"  Go SDK signing / ours               {sdk_sign_ns / full[0]:5.2f}x   (target >= 4x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
