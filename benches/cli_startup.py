"""Start-up and memory of one real call from the shell: `tcr
ModifyInstanceToken ...` against `tccli tcr ModifyInstanceToken ...`, the
same command line, against one emulator serving HTTPS (tccli speaks only
HTTPS), each a whole process reading the same tccli profile.

The two alternate, pair by pair (A B A B ...), so that the machine's drift
hits both; each process's wall time is measured around it and its CPU
(user+sys) comes from wait4(2) for that process alone. Peak RSS is GNU
time's (/usr/bin/time -f %M), in pairs of their own: a child forked from
this Python would count Python's pages in its high-water mark. Prints a
Markdown table: medians (min-max) and the median of the per-pair ratios.

Run through `make bench-cli` (tests/with-emulator.sh --tls-cert CA); the
environment gives TCCLI, TCR and TCR_TEST_CA, as for tests/cli/compat_tccli.py.
    python3 benches/cli_startup.py [PAIRS]     (default 20)
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "cli"))
import tccli_env  # noqa: E402

TCCLI = os.environ["TCCLI"]
TCR = os.environ["TCR"]
CA = os.environ["TCR_TEST_CA"]
HOST = os.environ["TCR_EMULATOR_URL"].split("://", 1)[1]
CALL = ["ModifyInstanceToken", "--RegistryId", "tcr-12345", "--TokenId",
        "2ab3af0d-893d-423f-91b1-27713566f95f", "--Enable", "true", "--endpoint", HOST]




def peak_rss(argv, env):
    """Peak RSS (kB) of one process, as GNU time reports it."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name] + argv, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return int(report.read().split()[-1])


def once(argv, env):
    """Wall seconds and CPU seconds of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read()
    process.stderr.close()
    if process.returncode != 0:
        sys.exit("%s exited %d: %s" % (argv[0], process.returncode, error.decode(errors="replace")[-400:]))
    return wall, usage.ru_utime + usage.ru_stime


def summary(values, scale, unit):
    return "%.*f %s (%.*f-%.*f)" % (
        1 if scale != 1 else 0, statistics.median(values) * scale, unit,
        1 if scale != 1 else 0, min(values) * scale, 1 if scale != 1 else 0, max(values) * scale)


def main():
    pairs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    tccli_env.trust_ca(TCCLI, CA)
    home = tccli_env.home_with_profile()
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"}
    commands = {
        "tcr": [TCR] + CALL + ["--ca-bundle", CA],
        "tccli": [TCCLI, "tcr"] + CALL,
    }
    results = {name: [] for name in commands}
    for name, argv in commands.items():  # one warm-up each (page cache)
        once(argv, env)
    for i in range(pairs):
        for name, argv in commands.items():
            wall, cpu = once(argv, env)
            rss = peak_rss(argv, env) if i < 10 else None
            results[name].append((wall, cpu, rss))
    print("One ModifyInstanceToken call as a whole process, %d alternating pairs, HTTPS emulator on 127.0.0.1" % pairs)
    print()
    print("| command | wall | CPU (user+sys) | peak RSS (%d pairs) |" % min(pairs, 10))
    print("|---|---|---|---|")
    for name, runs in results.items():
        walls, cpus, rss = zip(*runs)
        rss = [r for r in rss if r is not None]
        print("| %s | %s | %s | %s |" % (name, summary(walls, 1000, "ms"), summary(cpus, 1000, "ms"), summary(rss, 1, "kB")))
    ratio = lambda i: statistics.median(b[i] / a[i] for a, b in zip(results["tcr"], results["tccli"]) if a[i] is not None)
    print("| tccli / tcr, median of the pairs | %.0fx | %.0fx | %.1fx |" % (ratio(0), ratio(1), ratio(2)))


if __name__ == "__main__":
    main()
