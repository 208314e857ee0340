#!/usr/bin/python3
"""Reads `jfr print --json` of execution and native-method samples on stdin; prints, per thread, the share of samples
in which each of our methods (org.nlbridge.*) is on the stack (inclusive), and the leaf frames.

usage: jfr print --json --stack-depth 96 --events jdk.ExecutionSample,jdk.NativeMethodSample F.jfr | jfr_inclusive.py TITLE
"""
import json, sys
from collections import Counter, defaultdict

title = sys.argv[1] if len(sys.argv) > 1 else ''
events = json.load(sys.stdin)['recording']['events']
incl, leaf, total = defaultdict(Counter), defaultdict(Counter), Counter()
for e in events:
    v = e['values']
    thread = (v.get('sampledThread') or {}).get('javaName') or '?'
    frames = ((v.get('stackTrace') or {}).get('frames')) or []
    names = [f"{f['method']['type']['name'].replace('/', '.')}.{f['method']['name']}" for f in frames]
    if not names:
        continue
    kind = 'native' if e['type'] == 'jdk.NativeMethodSample' else 'java'
    total[thread] += 1
    leaf[thread][f'{names[0]} ({kind})'] += 1
    for n in set(x for x in names if x.startswith('org.nlbridge.') and '$$Lambda' not in x):
        incl[thread][n] += 1
print(f'# JFR samples, {title}')
# the threads that did the requests' work (idle readers, blocked in a native call, would fill a wall-clock profile)
busy = sorted((t for t in total if any(m.startswith(('org.nlbridge.engine.', 'org.nlbridge.daemon.'))
                                        and 'HttpServer' not in m for m in incl[t])), key=lambda t: -total[t])
print('threads (samples): ' + ', '.join(f'{t} ({c})' for t, c in total.most_common()))
for thread in busy[:3]:
    n = total[thread]
    print(f'\n## thread {thread}: {n} samples (execution + native)\n')
    print('inclusive, our methods:')
    for m, c in incl[thread].most_common(25):
        print(f'  {100 * c / n:5.1f}%  {m}')
    print('leaf frames:')
    for m, c in leaf[thread].most_common(12):
        print(f'  {100 * c / n:5.1f}%  {m}')
