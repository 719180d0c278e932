"""Side-by-side calls/s of every client against one local server (`make bench`).

Starts tcr-emulator with --no-verify --rate 0 (it answers instantly without
checking signatures), then in each of REPS repetitions runs every client for a
fixed number of calls: the C ABI, the Python wrapper, the Go wrapper, the
official Python and Go SDKs, with 1 and 8 threads where asked, and wrk as the
server's limit. Prints a table of medians (min-max) and of ratios taken within
each repetition (the machine is shared and noisy), and the TCP connections
each client opened (from the emulator's counter). Then CPU per call (user+sys
of the client process, the slope between two numbers of calls, so start-up
cancels out) of the C ABI, the Python wrapper and the official Python SDK,
in the same repetitions.

Usage: python3 benches/compare/compare.py [REPS]
Environment: TCR_EMULATOR, TCR_VENV_PYTHON (with the official SDK).
"""
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cpu_per_call import cpu_of  # noqa: E402  (this directory's own module)

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
EMULATOR = os.environ.get("TCR_EMULATOR", str(ROOT / "target" / "release" / "tcr-emulator"))
VENV_PY = os.environ.get("TCR_VENV_PYTHON", str(ROOT / ".venv" / "bin" / "python"))


def stats(url):
    with urllib.request.urlopen(url + "/_emulator/stats", timeout=10) as reply:
        return json.load(reply)


def run(cmd, env, cwd=ROOT):
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"{cmd} failed: {out.stderr[-2000:]}")
    return out.stdout


def result_line(text):
    for line in text.splitlines():
        if line.startswith("RESULT "):
            return float(line.split()[1])
    raise RuntimeError(f"no RESULT in {text!r}")


def go_bench(name, calls):
    def runner(env):
        text = run(["go", "test", "-count=1", "-run", "^$", "-bench", f"^{name}$", "-benchtime", f"{calls}x", "."],
                   env, cwd=ROOT / "tests" / "gosdk")
        for line in text.splitlines():
            if line.startswith(name):
                fields = line.split()
                return float(fields[fields.index("calls/s") - 1])
        raise RuntimeError(text)
    return runner


def wrk(connections, url):
    def runner(env):
        lua = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        lua.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                  'wrk.headers["X-TC-Action"] = "ModifyInstanceToken"\nwrk.headers["X-TC-Version"] = "2019-09-24"\n'
                  'wrk.headers["X-TC-Region"] = "ap-guangzhou"\n'
                  'wrk.body = \'{"TokenId": "2ab3af0d-893d-423f-91b1-27713566f95f", "RegistryId": "tcr-12345", "Enable": true}\'\n')
        lua.close()
        text = run(["wrk", "-t1", f"-c{connections}", "-d3s", "-s", lua.name, url + "/"], env)
        os.unlink(lua.name)
        for line in text.splitlines():
            if line.startswith("Requests/sec:"):
                return float(line.split()[1])
        raise RuntimeError(text)
    return runner


def main():
    proc = subprocess.Popen([EMULATOR, "--no-verify", "--rate", "0"], stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip()
    env = dict(os.environ, TCR_EMULATOR_URL=url, TCR_BENCH_EMULATOR_URL=url,
               PYTHONPATH=str(ROOT / "bindings" / "python" / "src"))
    build = ROOT / "build"
    clients = [
        ("C ABI, 1 thread", lambda e: result_line(run([str(build / "bench_c_client"), "1", "20000"], e))),
        ("Go wrapper, 1 goroutine", go_bench("BenchmarkCompareWrapper1", 20000)),
        ("official Go SDK, 1 goroutine", go_bench("BenchmarkCompareOfficial1", 20000)),
        ("Python wrapper, 1 thread", lambda e: result_line(run([sys.executable, "benches/compare/py_wrapper.py", "10000"], e))),
        ("official Python SDK, 1 thread", lambda e: result_line(run([VENV_PY, "benches/compare/py_sdk.py", "1000"], e))),
        ("C ABI, 8 threads", lambda e: result_line(run([str(build / "bench_c_client"), "8", "5000"], e))),
        ("Go wrapper, 8 goroutines", go_bench("BenchmarkCompareWrapper8", 40000)),
        ("official Go SDK, 8 goroutines", go_bench("BenchmarkCompareOfficial8", 40000)),
    ]
    if shutil.which("wrk"):
        clients += [("wrk -t1 -c1 (server limit)", wrk(1, url)), ("wrk -t1 -c8", wrk(8, url))]
    # CPU per call: (name, command with {calls}, the two numbers of calls).
    cpu_clients = [
        ("C ABI", f"{build / 'bench_c_client'} 1 {{calls}}", 2000, 20000),
        ("Python wrapper", f"{sys.executable} benches/compare/py_wrapper.py {{calls}}", 1000, 10000),
        ("official Python SDK", f"{VENV_PY} benches/compare/py_sdk.py {{calls}}", 200, 1000),
    ]
    rates = {name: [] for name, _ in clients}
    conns = {name: [] for name, _ in clients}
    cpu = {name: [] for name, *_ in cpu_clients}
    try:
        for rep in range(REPS):
            for name, runner in clients:
                before = stats(url)["connections"]
                rates[name].append(runner(env))
                conns[name].append(stats(url)["connections"] - before)
            for name, command, small, large in cpu_clients:
                slope = (cpu_of(command, large, env) - cpu_of(command, small, env)) / (large - small)
                cpu[name].append(slope * 1e6)
            print(f"repetition {rep + 1}/{REPS} done", file=sys.stderr)
    finally:
        proc.kill()
        proc.wait()

    def ratio(a, b):
        values = [x / y for x, y in zip(rates[a], rates[b])]
        return statistics.median(values), min(values), max(values)

    print(f"\n{REPS} repetitions; calls/s median (min-max); ratios are medians of per-repetition ratios\n")
    print("| client | calls/s | TCP connections opened |")
    print("|---|---|---|")
    for name, _ in clients:
        r = rates[name]
        print(f"| {name} | {statistics.median(r):,.0f} ({min(r):,.0f}-{max(r):,.0f}) | {max(conns[name])} |")
    print("\n| comparison | ratio |")
    print("|---|---|")
    pairs = [
        ("C ABI, 1 thread", "official Go SDK, 1 goroutine"),
        ("Go wrapper, 1 goroutine", "official Go SDK, 1 goroutine"),
        ("Go wrapper, 8 goroutines", "official Go SDK, 8 goroutines"),
        ("C ABI, 8 threads", "official Go SDK, 8 goroutines"),
        ("Python wrapper, 1 thread", "official Python SDK, 1 thread"),
    ]
    if shutil.which("wrk"):
        pairs.append(("C ABI, 1 thread", "wrk -t1 -c1 (server limit)"))
    for a, b in pairs:
        m, lo, hi = ratio(a, b)
        print(f"| {a} / {b} | {m:.2f} ({lo:.2f}-{hi:.2f}) |")
    print("\n| client | CPU per call (user+sys, us) |")
    print("|---|---|")
    for name, values in cpu.items():
        print(f"| {name} | {statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f}) |")
    sdk_over_wrapper = [s / w for s, w in zip(cpu["official Python SDK"], cpu["Python wrapper"])]
    print(f"\nofficial Python SDK / Python wrapper, CPU per call: {statistics.median(sdk_over_wrapper):.1f} "
          f"({min(sdk_over_wrapper):.1f}-{max(sdk_over_wrapper):.1f})")


if __name__ == "__main__":
    main()
