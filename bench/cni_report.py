#!/usr/bin/python3
"""bench/cni.sh's report: medians and p99 of the per-container ADD and DEL latencies, the wall time of all of them,
ratios to the reference chains, and where our time goes.
  cni_report.py TSV OUT.md REPS N_SEQ N_PAR MACHINE JDK CNI_PLUGINS_VERSION [DAEMON_FLAGS]"""
import csv, statistics, sys

tsv, out, reps, n_seq, n_par, machine, jdk, cniver = sys.argv[1:9]
daemon_flags = sys.argv[9] if len(sys.argv) > 9 else ''
rows = list(csv.DictReader(open(tsv), delimiter='\t'))


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def lat(method, mode, op, col='ms'):
    return [float(r[col]) for r in rows if r['method'] == method and r['mode'] == mode and r['op'] == op and r[col] != '-']


def wall(method, mode, op):
    w = lat(method, mode, op + '-all')
    return statistics.median(w) if w else None


def ms(v):
    return '—' if v is None else f'{v:.1f}'


LABEL = {'nlbridge-port': '**nlbridge** (+ a published port)', 'bridge-portmap': 'bridge + host-local + portmap',
         'nlbridge': '**nlbridge**', 'bridge': 'bridge + host-local'}
lines = []
w = lines.append
w(f'Machine: {machine}; {jdk}; containernetworking-plugins {cniver}. {reps} rounds, methods interleaved in each; '
  f'latencies in ms per container (p50 / p99 over all rounds), walls in ms for all containers (median of rounds). '
  f'Raw rows: `bench/results/cni.tsv`. The daemon: `nlbridge daemon'
  f'{" " + daemon_flags if daemon_flags else ""}`.\n')
for mode, n in (('seq', n_seq), ('par', n_par)):
    w(f'**{n} containers {"one after the other" if mode == "seq" else "at once"}**\n')
    w('| method | ADD p50 | ADD p99 | DEL p50 | DEL p99 | all ADDs | all DELs | ADD+DEL |')
    w('|---|---:|---:|---:|---:|---:|---:|---:|')
    for m in ('nlbridge-port', 'bridge-portmap', 'nlbridge', 'bridge'):
        a, d = lat(m, mode, 'add'), lat(m, mode, 'del')
        wa, wd = wall(m, mode, 'add'), wall(m, mode, 'del')
        w(f'| {LABEL[m]} | {ms(pct(a, 50))} | {ms(pct(a, 99))} | {ms(pct(d, 50))} | {ms(pct(d, 99))} | {ms(wa)} | '
          f'{ms(wd)} | {ms(None if wa is None or wd is None else wa + wd)} |')
    w('')
w('**ours / reference** (below 1: nlbridge is faster)\n')
w('| pair | mode | ADD p50 | ADD p99 | DEL p50 | ADD+DEL of all |')
w('|---|---|---:|---:|---:|---:|')
for ours, ref in (('nlbridge-port', 'bridge-portmap'), ('nlbridge', 'bridge')):
    for mode in ('seq', 'par'):
        def r(f):
            o, p = f(ours), f(ref)
            return '—' if o is None or p is None or p == 0 else f'{o / p:.2f}'
        tot = lambda m: None if wall(m, mode, 'add') is None else wall(m, mode, 'add') + wall(m, mode, 'del')
        w(f'| {LABEL[ours]} / {LABEL[ref]} | {mode} | {r(lambda m: pct(lat(m, mode, "add"), 50))} | '
          f'{r(lambda m: pct(lat(m, mode, "add"), 99))} | {r(lambda m: pct(lat(m, mode, "del"), 50))} | {r(tot)} |')
w('')
w('**Where our ADD goes** (one after the other, p50 ms)\n')
w('| part | ms | what |')
w('|---|---:|---|')
full = pct(lat('nlbridge', 'seq', 'add'), 50)
proc = pct(lat('version', 'seq', 'add'), 50)
http = pct(lat('nlbridge-http', 'seq', 'add'), 50)
q = pct(lat('nlbridge-http', 'seq', 'add', 'queue_ms'), 50)
e = pct(lat('nlbridge-http', 'seq', 'add', 'engine_ms'), 50)
t = pct(lat('nlbridge-http', 'seq', 'add', 'daemon_ms'), 50)
w(f'| the plugin, whole | {ms(full)} | `nlbridge` ADD as a runtime runs it |')
w(f'| process start | {ms(proc)} | the same executable answering VERSION (JVM start, read stdin, print; no socket) |')
w(f'| daemon round trip | {ms(http)} | `/v1/cni` over the Unix socket without the process (a port mapping included) |')
w(f'| in the daemon | {ms(t)} | decoding, the engine call, the result (Server-Timing total) |')
w(f'| engine work | {ms(e)} | on the engine thread: desired state saved, converged (plan + apply), status read |')
w(f'| queue | {ms(q)} | waiting for the engine thread (one after the other: nothing ahead) |')
w('')
open(out, 'w').write('\n'.join(lines) + '\n')
