#!/usr/bin/python3
"""Medians of bench/packet-path.sh's rows as a markdown table and a PNG plot.
usage: packet_path_plot.py ROWS.tsv OUT.md OUT.png K"""
import statistics, sys
from collections import OrderedDict

rows_path, md_path, png_path, k = sys.argv[1:5]
data = OrderedDict()
for line in open(rows_path):
    if line.startswith('method\t') or not line.strip():
        continue
    m, n, _rep, us = line.rstrip('\n').split('\t')
    data.setdefault(m, {}).setdefault(int(n), []).append(float(us))
ns = sorted({n for d in data.values() for n in d})
med = {m: {n: statistics.median(v) for n, v in d.items()} for m, d in data.items()}

label = {'none': 'no rules (same path, baseline)', 'nlbridge-map': 'nlbridge: map (one lookup)',
         'nlbridge-rules': 'nlbridge: linear rules', 'nft-map': 'nft -f: map', 'nft-rules': 'nft -f: linear rules',
         'iptables-restore': 'iptables-nft: linear rules', 'iptables-legacy-restore': 'iptables-legacy: linear rules'}
out = ['µs per new TCP connection (connect through the nat OUTPUT hook to the last published port, DNAT; median of '
       f'{max(len(v) for d in data.values() for v in d.values())} runs of 5×{k} connects), and the cost over the '
       'no-rules baseline:', '',
       '| method | ' + ' | '.join(f'N={n}' for n in ns) + ' |', '|---|' + '---:|' * len(ns)]
for m in med:
    cells = []
    for n in ns:
        v = med[m].get(n)
        base = med.get('none', {}).get(n)
        if v is None:
            cells.append('')
        elif m == 'none' or base is None:
            cells.append(f'{v:.1f}')
        else:
            cells.append(f'{v:.1f} (+{v - base:.1f})')
    out.append(f'| {label.get(m, m)} | ' + ' | '.join(cells) + ' |')
if 'nlbridge-map' in med and 'nlbridge-rules' in med and len(ns) > 1:
    lo, hi = ns[0], ns[-1]
    mr, rr = med['nlbridge-map'], med['nlbridge-rules']
    if lo in mr and hi in mr and lo in rr and hi in rr:
        out += ['', f'From N={lo} to N={hi}: the map goes {mr[lo]:.1f} → {mr[hi]:.1f} µs, linear rules '
                f'{rr[lo]:.1f} → {rr[hi]:.1f} µs ({(rr[hi] - rr[lo]) * 1000 / (hi - lo):.0f} ns per extra rule '
                'per new connection).']
out += ['', '![per-new-connection cost: map vs linear rules](packet-path.png)']  # relative to bench/RESULTS.md
open(md_path, 'w').write('\n'.join(out) + '\n')
print('\n'.join(out))

try:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
except ImportError:
    print('packet_path_plot.py: no matplotlib (apt-get install python3-matplotlib); no PNG', file=sys.stderr)
    sys.exit(0)
style = {'none': ('grey', ':', 'o'), 'nlbridge-map': ('tab:blue', '-', 'o'), 'nlbridge-rules': ('tab:blue', '--', 's'),
         'nft-map': ('tab:green', '-', '^'), 'nft-rules': ('tab:green', '--', 'v'),
         'iptables-restore': ('tab:red', '--', 'D'), 'iptables-legacy-restore': ('tab:orange', '--', 'x')}
fig, ax = plt.subplots(figsize=(7.5, 4.8), dpi=120)
for m, d in med.items():
    xs = [n for n in ns if n in d]
    c, ls, mk = style.get(m, (None, '-', '.'))
    ax.plot(xs, [d[n] for n in xs], color=c, linestyle=ls, marker=mk, label=label.get(m, m))
ax.set_xscale('log')
ax.set_xticks(ns)
ax.set_xticklabels([f'{n:,}' for n in ns])
ax.set_xlabel('published ports (N)')
ax.set_ylabel('µs per new TCP connection')
ax.set_title('New connection to the last published port: map lookup vs linear rules')
ax.grid(True, which='major', alpha=0.3)
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(png_path)
print(f'wrote {png_path}')
