#!/usr/bin/env bash
# The ABI guard itself: the build matches abi/tcr.abi; a record that differs
# in a struct's layout under the same SONAME fails `check` and cannot be
# overwritten by `record`, unless the difference is fields appended to an
# extensible struct; a record that only lacks an addition asks for a new
# record; one for another SONAME is rewritten without complaint.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
abi="python3 $root/tests/abi/abi.py"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1" >&2; fi; }

$abi check >/dev/null; check "the build matches abi/tcr.abi" $?

export TCR_ABI_RECORD=$scratch/changed.abi
sed 's/^struct tcr_modify_instance_token_request size 40/struct tcr_modify_instance_token_request size 48/' \
  "$root/abi/tcr.abi" > "$TCR_ABI_RECORD"
! cmp -s "$TCR_ABI_RECORD" "$root/abi/tcr.abi"; check "the test changed a layout line" $?
out=$($abi check 2>&1); status=$?
[ $status -ne 0 ] && echo "$out" | grep -q "same SONAME"; check "a layout change under the same SONAME fails check" $?
! $abi record >/dev/null 2>&1; check "record refuses it" $?

export TCR_ABI_RECORD=$scratch/older.abi
grep -v '^export tcr_version$' "$root/abi/tcr.abi" > "$TCR_ABI_RECORD"
out=$($abi check 2>&1); status=$?
[ $status -ne 0 ] && echo "$out" | grep -q "out of date"; check "an addition asks for a new record" $?
$abi record >/dev/null && $abi check >/dev/null; check "record accepts an addition" $?

# Fields appended to an output struct and to an input struct, as the next
# 0.2.x would: each recorded field keeps its offset and size, and the new
# one starts at the recorded size. (Made by recording a layout that lacks
# the current last field.)
export TCR_ABI_RECORD=$scratch/before-appending.abi
sed -e '/^field tcr_response.response_json /d' -e 's/^struct tcr_response size 48 /struct tcr_response size 40 /' \
    -e '/^field tcr_call_settings.cancel /d' -e 's/^struct tcr_call_settings size 24 /struct tcr_call_settings size 16 /' \
    "$root/abi/tcr.abi" > "$TCR_ABI_RECORD"
[ "$(diff "$root/abi/tcr.abi" "$TCR_ABI_RECORD" | grep -c '^[<>]')" -eq 6 ]; check "the test made a record before two appends" $?
out=$($abi check 2>&1); status=$?
[ $status -ne 0 ] && echo "$out" | grep -q "out of date" && ! echo "$out" | grep -q "same SONAME"
check "appended fields are additions under the same SONAME" $?
$abi record >/dev/null && $abi check >/dev/null; check "record accepts the appended fields" $?

# A field "appended" inside the recorded size (the old trailing padding,
# which an older caller need not have zeroed) is refused.
export TCR_ABI_RECORD=$scratch/into-padding.abi
sed '/^field tcr_response.response_json /d' "$root/abi/tcr.abi" > "$TCR_ABI_RECORD"
out=$($abi check 2>&1); status=$?
[ $status -ne 0 ] && echo "$out" | grep -q "same SONAME"; check "a field inside the recorded size fails check" $?
! $abi record >/dev/null 2>&1; check "record refuses it" $?

# An earlier field that moved is refused, even in an extensible struct.
export TCR_ABI_RECORD=$scratch/moved-field.abi
sed 's/^field tcr_response.attempts offset 36 /field tcr_response.attempts offset 32 /' "$root/abi/tcr.abi" > "$TCR_ABI_RECORD"
! cmp -s "$TCR_ABI_RECORD" "$root/abi/tcr.abi"; check "the test moved a field" $?
out=$($abi check 2>&1); status=$?
[ $status -ne 0 ] && echo "$out" | grep -q "same SONAME"; check "a moved field fails check" $?
! $abi record >/dev/null 2>&1; check "record refuses a moved field" $?

export TCR_ABI_RECORD=$scratch/other-soname.abi
sed -e 's/^soname .*/soname libtcr.so.0.0/' -e 's/size 40/size 32/' "$root/abi/tcr.abi" > "$TCR_ABI_RECORD"
$abi record >/dev/null && $abi check >/dev/null; check "a new SONAME may change the layout" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
