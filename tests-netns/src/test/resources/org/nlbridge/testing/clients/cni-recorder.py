#!/usr/bin/env python3
# nlbt-recorder: a CNI plugin for tests (installed as /usr/lib/cni/nlbt-recorder inside a client sandbox) that
# records every call a runtime makes (CNI_* environment and the network configuration it was given) as one JSON
# line in the file named by its "log" key, and otherwise stays out of the way: chained after other plugins it
# passes prevResult through on ADD, does nothing on DEL, CHECK, GC and STATUS, answers VERSION.
import json
import os
import sys

raw = sys.stdin.read()
try:
    conf = json.loads(raw) if raw.strip() else {}
except ValueError:
    conf = {}
command = os.environ.get("CNI_COMMAND", "")
log = conf.get("log")
if log:
    with open(log, "a") as f:
        env = {k: v for k, v in os.environ.items() if k.startswith("CNI_")}
        f.write(json.dumps({"command": command, "env": env, "config": conf}) + "\n")
version = conf.get("cniVersion", "1.0.0")
if command == "VERSION":
    print(json.dumps({"cniVersion": version, "supportedVersions": ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]}))
elif command == "ADD":
    prev = conf.get("prevResult")
    if prev is None:
        print(json.dumps({"cniVersion": version, "code": 7, "msg": "nlbt-recorder must be chained after a plugin that makes a result"}))
        sys.exit(1)
    print(json.dumps(prev))
