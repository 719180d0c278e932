"""The same command lines through the real tccli (PyPI, pinned in
tests/requirements-tccli.txt) and through tcr, against one emulator serving
HTTPS: both are accepted, and they print the same JSON (and the same text)
apart from RequestId.

Run through tests/with-emulator.sh with --tls-cert CA; the environment
gives TCCLI (the tccli script of its own virtualenv), TCR (target/release/tcr)
and TCR_TEST_CA (that CA). tccli trusts only certifi's bundle, so the CA
is added to it for this run (tccli_env.py).
"""
import json
import os
import ssl
import subprocess
import sys
import urllib.request

import tccli_env

TCCLI = os.environ["TCCLI"]
TCR = os.environ["TCR"]
CA = os.environ["TCR_TEST_CA"]
URL = os.environ["TCR_EMULATOR_URL"]
HOST = URL.split("://", 1)[1]
REG = "tcr-12345"
TOK = "2ab3af0d-893d-423f-91b1-27713566f95f"

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s %s" % (name, detail), file=sys.stderr)




def control(path):
    context = ssl.create_default_context(cafile=CA)
    with urllib.request.urlopen(URL + path, context=context) as reply:
        return json.load(reply)


def run(program, args, home):
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8",
           "TCR_METADATA_URL": "http://127.0.0.1:%s" % os.environ["TCR_CLOSED_PORT"]}
    extra = ["--endpoint", HOST]
    if program == TCR:
        extra += ["--ca-bundle", CA]
    done = subprocess.run([program] + args + extra, env=env, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def without_request_id(value):
    if isinstance(value, dict):
        return {k: without_request_id(v) for k, v in value.items() if k != "RequestId"}
    if isinstance(value, list):
        return [without_request_id(v) for v in value]
    return value


def masked_text(text):
    # The text layout puts the RequestId in the line of the top scalars.
    lines = []
    for line in text.splitlines():
        lines.append("\t".join("<id>" if len(f) == 36 and f.count("-") == 4 and f != TOK else f for f in line.split("\t")))
    return lines


def main():
    tccli_env.trust_ca(TCCLI, CA)
    home = tccli_env.home_with_profile()
    request = os.path.join(home, "disable.json")
    with open(request, "w") as f:
        json.dump({"RegistryId": REG, "TokenId": TOK, "Enable": False}, f)

    same_json = [
        ["tcr", "DescribeInstanceToken", "--RegistryId", REG],
        ["tcr", "DescribeInstanceToken", "--RegistryId", REG, "--Limit", "20", "--Offset", "0"],
        ["tcr", "ModifyInstanceToken", "--RegistryId", REG, "--TokenId", TOK, "--Enable", "false"],
        ["tcr", "ModifyInstanceToken", "--RegistryId", REG, "--TokenId", TOK, "--ModifyFlag", "1", "--Desc", "部署 token"],
        ["tcr", "DescribeInstanceToken", "--RegistryId", REG, "--filter", "Tokens[0]"],
        ["tcr", "DescribeInstanceToken", "--RegistryId", REG, "--filter", "Tokens[?Enabled == `false`].Desc"],
        ["tcr", "ModifyInstanceToken", "--cli-input-json", "file://" + request],
        ["tcr", "ModifyInstanceToken", "--RegistryId", REG, "--TokenId", TOK, "--Enable", "true", "--region", "ap-shanghai"],
        ["tcr", "ModifyInstanceToken", "--generate-cli-skeleton"],
        ["tcr", "DescribeInstances", "--generate-cli-skeleton"],
    ]
    for words in same_json:
        args = words[1:]
        status_cli, out_cli, err_cli = run(TCCLI, words, home)
        status_tcr, out_tcr, err_tcr = run(TCR, args, home)
        name = " ".join(args)
        check(name + ": both succeed", status_cli == 0 and status_tcr == 0, "tccli %d %s / tcr %d %s" % (status_cli, err_cli[-300:], status_tcr, err_tcr[-300:]))
        try:
            same = without_request_id(json.loads(out_cli)) == without_request_id(json.loads(out_tcr))
        except ValueError as e:
            same = False
        check(name + ": the same JSON apart from RequestId", same, "\ntccli: %s\ntcr:   %s" % (out_cli, out_tcr))

    for words in (["tcr", "DescribeInstanceToken", "--RegistryId", REG, "--output", "text"],
                  ["tcr", "DescribeInstanceToken", "--RegistryId", REG, "--filter", "Tokens[].Id", "--output", "text"]):
        _, out_cli, _ = run(TCCLI, words, home)
        _, out_tcr, _ = run(TCR, words[1:], home)
        check(" ".join(words[1:]) + ": the same text apart from RequestId", masked_text(out_cli) == masked_text(out_tcr),
              "\ntccli: %r\ntcr:   %r" % (out_cli, out_tcr))

    # A token made by each, described the same way, deleted by the other.
    created = []
    for program, words in ((TCCLI, ["tcr"]), (TCR, [])):
        status, out, err = run(program, words + ["CreateInstanceToken", "--RegistryId", REG, "--TokenType", "longterm", "--Desc", "made by " + os.path.basename(program)], home)
        check("CreateInstanceToken through " + os.path.basename(program), status == 0, err)
        created.append(json.loads(out) if status == 0 else {})
    check("CreateInstanceToken: the same fields from both", sorted(created[0]) == sorted(created[1]) and created[0] != {},
          "%s / %s" % (sorted(created[0]), sorted(created[1])))
    ids = [c.get("TokenId") for c in created]
    for program, words, token in ((TCR, [], ids[0]), (TCCLI, ["tcr"], ids[1])):
        status, _, err = run(program, words + ["DeleteInstanceToken", "--RegistryId", REG, "--TokenId", str(token)], home)
        check("DeleteInstanceToken of the other's token through " + os.path.basename(program), status == 0, err)

    # The same error: the service's code, message and RequestId on stderr.
    args = ["ModifyInstanceToken", "--RegistryId", REG, "--TokenId", "nope", "--Enable", "false"]
    status_cli, _, err_cli = run(TCCLI, ["tcr"] + args, home)
    status_tcr, _, err_tcr = run(TCR, args, home)
    message = "token nope does not exist in " + REG
    check("an error fails both", status_cli != 0 and status_tcr == 6, "%d %d" % (status_cli, status_tcr))
    check("an error: the same code and message", all("ResourceNotFound" in e and message in e for e in (err_cli, err_tcr)),
          "\ntccli: %s\ntcr:   %s" % (err_cli, err_tcr))

    stats = control("/_emulator/stats")
    by_code = stats["by_code"]
    check("the emulator accepted every request of both (one ResourceNotFound each, no AuthFailure)",
          by_code.get("ResourceNotFound") == 2 and not any(c.startswith("AuthFailure") for c in by_code) and stats["rejected"] == 2,
          json.dumps(stats))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
