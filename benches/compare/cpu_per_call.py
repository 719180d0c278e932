"""CPU per call of two client builds, side by side (`make bench-cpu`).

CPU per call is the user+sys time of the client process over N calls, taken
as the slope between two N (so start-up, library loading and the first TLS
or TCP connection cancel out). Each round runs both sides at both N, in
alternating order (A B, then B A, ...), against one tcr-emulator started with
--no-verify --rate 0; the ratio B/A is taken within each round, because this
shared machine's speed drifts between rounds by more than the differences
measured here.

Usage:
  python3 benches/compare/cpu_per_call.py [--rounds R] [--calls N1,N2] \\
      --side NAME='COMMAND {calls}' --side NAME='COMMAND {calls}'
COMMAND runs through sh; `{calls}` is replaced by N; it must make N calls
against $TCR_EMULATOR_URL and exit 0. Prints µs per call per side (median,
min-max) and the median ratio of the second side to the first.
Environment: TCR_EMULATOR (the emulator binary).
"""
import argparse
import os
import pathlib
import resource
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
EMULATOR = os.environ.get("TCR_EMULATOR", str(ROOT / "target" / "release" / "tcr-emulator"))


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(command, calls, env):
    before = child_cpu()
    done = subprocess.run(["sh", "-c", command.replace("{calls}", str(calls))], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"cpu_per_call: {command!r} failed: {done.stderr[-1000:]}")
    return child_cpu() - before


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--calls", default="2000,20000")
    parser.add_argument("--side", action="append", required=True, help="NAME=COMMAND with {calls}")
    args = parser.parse_args()
    sides = [tuple(side.split("=", 1)) for side in args.side]
    if len(sides) != 2 or any(len(side) != 2 for side in sides):
        sys.exit("cpu_per_call: give exactly two --side NAME=COMMAND")
    small, large = (int(n) for n in args.calls.split(","))
    emulator = subprocess.Popen([EMULATOR, "--no-verify", "--rate", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = emulator.stdout.readline().strip()
        env = dict(os.environ, TCR_EMULATOR_URL=url)
        per_call = {name: [] for name, _ in sides}
        ratios = []
        for round_number in range(args.rounds):
            order = sides if round_number % 2 == 0 else sides[::-1]
            this_round = {}
            for name, command in order:
                slope = (cpu_of(command, large, env) - cpu_of(command, small, env)) / (large - small)
                this_round[name] = slope
                per_call[name].append(slope * 1e6)
            ratios.append(this_round[sides[1][0]] / this_round[sides[0][0]])
    finally:
        emulator.kill()
        emulator.wait()
    for name, values in per_call.items():
        print(f"{name}: {statistics.median(values):.2f} us CPU per call "
              f"({min(values):.2f}-{max(values):.2f}, {args.rounds} rounds)")
    print(f"ratio {sides[1][0]}/{sides[0][0]}: {statistics.median(ratios):.3f} "
          f"({min(ratios):.3f}-{max(ratios):.3f})")


if __name__ == "__main__":
    main()
