#!/usr/bin/python3
"""Runs one-shot commands interleaved and writes one TSV row per run (the peers harness's columns), for
bench/startup.sh.

usage: startup_run.py SPEC.jsonl OUT.tsv REPS WARMUP [--fixed-order]
       startup_run.py --summary OUT.tsv        medians per command, as a table
  SPEC.jsonl  one command per line: {"label": ..., "argv": [...], "rc": expected exit code, "expect": text its
              stdout must contain, "env": {extra environment}}
  Each rep runs every command once, in spec order on odd reps and in reverse order on even ones, so that no command
  always runs right after the same neighbour (--fixed-order: spec order always, for commands that depend on the one
  before, like apply then destroy). WARMUP untimed reps come first.

Per run: wall time from spawn to reap (time.perf_counter_ns), the child's user and system CPU and its peak resident
set (wait4's rusage: ru_maxrss, KiB); `verify` is OK when the exit code and the output are as expected.
"""
import json, os, sys, tempfile, time

COLS = ['scenario', 'method', 'n', 'rep', 'rc', 'verify', 'ns_s', 'wall_s', 'user_s', 'sys_s', 'per_ms',
        'maxrss_kb', 'del_s', 'settle_s', 'steal_pct', 'phases', 'other_cpu_pct']

if sys.argv[1] == '--summary':
    import statistics
    rows = [dict(zip(COLS, l.rstrip('\n').split('\t'))) for l in open(sys.argv[2]) if not l.startswith('scenario')]
    print(f"{'command':<22} {'ok':>7} {'wall s':>8} {'user s':>8} {'sys s':>8} {'max RSS MiB':>12}")
    for label in dict.fromkeys(r['method'] for r in rows):
        rs = [r for r in rows if r['method'] == label]
        good = [r for r in rs if r['verify'] == 'OK']
        m = lambda k: statistics.median(float(r[k]) for r in good) if good else float('nan')
        print(f"{label:<22} {len(good):>3}/{len(rs):<3} {m('wall_s'):>8.3f} {m('user_s'):>8.3f} {m('sys_s'):>8.3f} "
              f"{m('maxrss_kb') / 1024:>12.1f}")
    sys.exit(0)

spec_path, out_path, reps, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
fixed = '--fixed-order' in sys.argv[5:]
spec = [json.loads(line) for line in open(spec_path) if line.strip()]


def run(cmd):
    env = dict(os.environ, **cmd.get('env', {}))
    with tempfile.TemporaryFile() as out:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, out.fileno(), 2)]
        t0 = time.perf_counter_ns()
        pid = os.posix_spawnp(cmd['argv'][0], cmd['argv'], env, file_actions=actions)
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter_ns()
        out.seek(0)
        text = out.read().decode('utf-8', 'replace')
    rc = os.waitstatus_to_exitcode(status)
    ok = rc == cmd.get('rc', 0) and cmd.get('expect', '') in text
    return rc, ok, (t1 - t0) / 1e9, ru, text


fresh = not os.path.exists(out_path) or os.path.getsize(out_path) == 0
with open(out_path, 'a') as f:
    if fresh:
        f.write('\t'.join(COLS) + '\n')
    for rep in range(-warmup, reps):
        order = spec if fixed or rep % 2 == 0 else list(reversed(spec))
        for cmd in order:
            rc, ok, wall, ru, text = run(cmd)
            if not ok:
                sys.stderr.write(f"startup_run: {cmd['label']}: exit {rc}, expected {cmd.get('rc', 0)} and "
                                 f"{cmd.get('expect', '')!r} in:\n{text}\n")
            if rep < 0:
                continue
            row = ['startup', cmd['label'], '1', str(rep + 1), str(rc), 'OK' if ok else 'FAIL', '-', f'{wall:.4f}',
                   f'{ru.ru_utime:.4f}', f'{ru.ru_stime:.4f}', '-', str(ru.ru_maxrss), '-', '-', '-', '-', '-']
            f.write('\t'.join(row) + '\n')
            f.flush()
