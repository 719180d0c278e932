"""What running the real tccli against the emulator needs, shared by
tests/cli/compat_tccli.py and benches/cli_startup.py: tccli's trust in the
emulator's CA, and a home whose tccli profile holds the emulator's demo key
pair and region (which tcr reads too)."""
import json
import os
import shutil
import subprocess
import tempfile

DEMO_ID = "AKIDEMULATOR0000000000000000000000000"
DEMO_KEY = "EmulatorDemoSecretKey000000000000"


def trust_ca(tccli, ca):
    """tccli verifies against certifi's bundle only: make it that bundle
    plus the emulator's CA (the original is kept beside it, so each run
    starts from it again)."""
    python = os.path.join(os.path.dirname(tccli), "python")
    bundle = subprocess.check_output([python, "-c", "import certifi; print(certifi.where())"], text=True).strip()
    original = bundle + ".orig"
    if not os.path.exists(original):
        shutil.copyfile(bundle, original)
    with open(bundle, "wb") as out:
        for path in (original, ca):
            with open(path, "rb") as f:
                out.write(f.read())


def home_with_profile():
    """A new home directory with a tccli profile `default`."""
    home = tempfile.mkdtemp()
    os.makedirs(os.path.join(home, ".tccli"))
    with open(os.path.join(home, ".tccli", "default.credential"), "w") as f:
        json.dump({"secretId": DEMO_ID, "secretKey": DEMO_KEY}, f)
    with open(os.path.join(home, ".tccli", "default.configure"), "w") as f:
        json.dump({"_sys_param": {"region": "ap-guangzhou", "output": "json"}}, f)
    return home
