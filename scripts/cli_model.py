#!/usr/bin/env python3
"""The TCR actions and their parameters, as the `tcr` command line knows
them (cli/model/tcr.json), taken from the service model that tccli ships
(tccli/services/tcr/v20190924/api.json).

    scripts/cli_model.py             print the model from the installed tccli
    scripts/cli_model.py --check F   fail if F differs from it

Only facts are kept: each action's parameter names, their types, whether
they are required, and the members of the structures they use, so that the
command line types its values as tccli does and prints the same skeletons.
"""
import json
import os
import sys

import tccli  # the pinned tccli of the test environment

VERSION = "v20190924"


def load():
    path = os.path.join(os.path.dirname(tccli.__file__), "services", "tcr", VERSION, "api.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def member(p):
    # [name, type, member, required]; type is tccli's: string, int, bool,
    # float, list, object (member: the element or structure's name).
    return [p["name"], p["type"], p["member"], bool(p.get("required", False))]


def model():
    api = load()
    objects = api["objects"]
    actions = {}
    used = set()

    def visit(name):
        if name in used or name not in objects:
            return
        used.add(name)
        for p in objects[name]["members"]:
            visit(p["member"])

    for name in sorted(api["actions"]):
        action = api["actions"][name]
        if action.get("status", "online") != "online":
            continue
        params = [member(p) for p in objects[action["input"]]["members"] if not p.get("disabled")]
        actions[name] = params
        for p in params:
            visit(p[2])
    structs = {name: [member(p)[:3] for p in objects[name]["members"] if not p.get("disabled")]
               for name in sorted(used)}
    return {"service": "tcr", "version": api["metadata"]["apiVersion"], "actions": actions, "objects": structs}


def render():
    return json.dumps(model(), ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        with open(sys.argv[2], encoding="utf-8") as f:
            if f.read() != render():
                sys.exit("%s differs from tccli %s's model: run make cli-model" % (sys.argv[2], tccli.__version__))
        print("cli model: %s matches tccli %s" % (sys.argv[2], tccli.__version__))
    elif len(sys.argv) == 1:
        sys.stdout.write(render())
    else:
        sys.exit(__doc__)
