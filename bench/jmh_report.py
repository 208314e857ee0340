#!/usr/bin/python3
"""bench/results/jmh.json (JMH -rf json) as the markdown table RESULTS.md includes.
usage: jmh_report.py JMH.json OUT.md"""
import json, sys

# what one operation is, so scores read per message / request / element
PER_OP = {
    'CodecBenchmark.encodeAttachBatch': (128, 'message'),
    'CodecBenchmark.decodeLinkDump': (100, 'link'),
    'BatchBenchmark.batchRoundTrip': (64, 'request'),
}
runs = json.load(open(sys.argv[1]))
out = ['| benchmark | params | score | ± error (99.9 %) | unit | per item | B/op (gc.alloc.rate.norm) |',
       '|---|---|---:|---:|---|---:|---:|']
for r in runs:
    name = r['benchmark'].rsplit('.', 2)[-2] + '.' + r['benchmark'].rsplit('.', 1)[-1]
    params = ', '.join(f'{k}={v}' for k, v in (r.get('params') or {}).items())
    pm = r['primaryMetric']
    norm = r.get('secondaryMetrics', {}).get('gc.alloc.rate.norm', {}).get('score')
    err = pm.get('scoreError')
    err = '' if err is None or err != err else f'{err:.1f}'
    if name in PER_OP:
        k, what = PER_OP[name]
        per = f'{pm["score"] / k:.0f} ns/{what}'
    elif name.startswith('RtnlBatchBenchmark'):
        per = f'{pm["score"]:.0f} ns/request'
    elif name.startswith('NftTransactionBenchmark'):
        per = f'{pm["score"]:.0f} ns/element'
    else:
        per = ''
    out.append(f'| {name} | {params} | {pm["score"]:.1f} | {err} | {pm["scoreUnit"]} | {per} | '
               f'{"—" if norm is None else f"{norm:.3g}"} |')
r0 = runs[0]
out += ['', f'JMH 1.37, {r0["forks"]} fork, {r0["measurementIterations"]} measurement iterations of '
        f'{r0["measurementTime"]} after {r0["warmupIterations"]} warm-up iterations, `-prof gc`; raw: '
        '`bench/results/jmh.json`, `bench/results/jmh-run.txt`. `RtnlBatchBenchmark`: 512 address add/delete requests '
        'on a bridge that is up, `batch` per `sendmsg`, score per request; `NftTransactionBenchmark`: 4,096 map '
        'elements added then deleted, `elements` per transaction (each a full commit with its generation read), score '
        'per element; both against the kernel in a scratch namespace. B/op is per operation as JMH counts it (for the '
        'two sweeps, per request or element).']
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
print('\n'.join(out))
