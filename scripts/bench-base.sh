#!/usr/bin/env bash
# Builds another commit's libtcr and its C bench client, for side-by-side
# benchmarks of two builds (make bench-cpu BASE=...): the commit is checked
# out in build/base/src (a git worktree), built with its own target
# directory, and its benches/compare/c_client.c compiled against its own
# header into build/base/bench_c_client (RUNPATH: its own libtcr).
#   scripts/bench-base.sh COMMIT
set -euo pipefail
commit=${1:?usage: $0 COMMIT}
root=$(git rev-parse --show-toplevel)
base=$root/build/base
rev=$(git rev-parse --verify "$commit^{commit}")
if [ "$(cat "$base/rev" 2>/dev/null)" != "$rev" ]; then
  git worktree remove --force "$base/src" 2>/dev/null || rm -rf "$base/src"
  git worktree prune
  mkdir -p "$base"
  git worktree add --detach "$base/src" "$rev" >/dev/null
  echo "$rev" > "$base/rev"
fi
CARGO_TARGET_DIR=$base/target cargo build --quiet --release --lib --manifest-path "$base/src/Cargo.toml"
lib=$base/target/release
soname=$(readelf -d "$lib/libtcr.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
ln -sf libtcr.so "$lib/$soname"
cc -std=c99 -O2 -I"$base/src/include" -I"$base/src/tests/c" "$base/src/benches/compare/c_client.c" \
  -o "$base/bench_c_client" -L"$lib" -ltcr -Wl,-rpath,"$lib" -lpthread
echo "bench-base: $commit ($rev) in $base/bench_c_client"
