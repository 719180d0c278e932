"""Every object that owns a libtcr handle refuses copy.copy, copy.deepcopy
and pickling with a TypeError that says why, and survives close twice and
collection at interpreter exit. Each case runs in its own interpreter, so
that a crash (two objects freeing one handle) fails the test, not the run."""
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

# Makes the object under test; `emulator_url` is a live emulator.
MAKERS = {
    "Client": "tcr.Client(secret_id='AKIDPYTHON', secret_key='python-binding-secret-key', region='ap-guangzhou', "
              "endpoint=emulator_url, rate_limit=0)",
    "AsyncClient": "tcr.AsyncClient(secret_id='AKIDPYTHON', secret_key='python-binding-secret-key', "
                   "region='ap-guangzhou', endpoint=emulator_url, rate_limit=0)",
    "CancelToken": "tcr.CancelToken()",
}
OPERATIONS = {
    "copy": "copy.copy(obj)",
    "deepcopy": "copy.deepcopy({'held': [obj]})",
    "pickle": "pickle.dumps(obj)",
}
# What the original must still do after the refused copy and a collection.
STILL_WORKS = {
    "Client": "assert obj.call('DescribeInstanceToken', {'RegistryId': 'tcr-12345'})['TotalCount'] == 1\n"
              "obj.close(); obj.close()",
    "AsyncClient": "import asyncio\n"
                   "asyncio.run(obj.call('DescribeInstanceToken', {'RegistryId': 'tcr-12345'}))\n"
                   "asyncio.run(obj.aclose()); asyncio.run(obj.aclose())",
    "CancelToken": "obj.cancel(); obj.cancel(); assert obj.cancelled",
}


def _run(script: str, emulator_url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script, emulator_url], capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT / "bindings" / "python" / "src"), "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_a_handle_cannot_be_copied_or_pickled(emulator, kind, operation):
    script = textwrap.dedent("""\
        import copy, gc, pickle, sys
        import tcr
        emulator_url = sys.argv[1]
        obj = {maker}
        try:
            {operation}
        except TypeError as error:
            message = str(error)
        else:
            raise SystemExit("no TypeError")
        assert "tcr.{kind}" in message and "libtcr handle" in message, message
        gc.collect()
        {still_works}
        print("ok")
        """).format(maker=MAKERS[kind], operation=OPERATIONS[operation], kind=kind,
                    still_works=STILL_WORKS[kind])
    done = _run(script, emulator.url)
    assert done.returncode == 0 and done.stdout.strip() == "ok", (done.returncode, done.stdout, done.stderr)


def test_handles_left_open_are_collected_at_exit_quietly(emulator):
    # Nothing closed, a call made, a cancel token held by nobody but a
    # module global: the interpreter's shutdown collects them all.
    script = textwrap.dedent("""\
        import sys
        import tcr
        emulator_url = sys.argv[1]
        client = {client}
        aclient = {aclient}
        token = tcr.CancelToken()
        client.call('DescribeInstanceToken', {{'RegistryId': 'tcr-12345'}}, cancel=token)
        cycle = [client, aclient, token]
        cycle.append(cycle)
        print("ok")
        """).format(client=MAKERS["Client"], aclient=MAKERS["AsyncClient"])
    done = _run(script, emulator.url)
    assert done.returncode == 0 and done.stdout.strip() == "ok", (done.returncode, done.stderr)
    assert done.stderr == "", done.stderr
