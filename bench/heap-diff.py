#!/usr/bin/env python3
"""Per-socket live heap from two `jcmd PID GC.class_histogram` outputs (at 0 and at N sockets).
Usage: bench/heap-diff.py HISTO_0 HISTO_N N [TOP=25]"""
import re, sys

def read(path):
    d = {}
    for line in open(path):
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            d[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return d

a, b, n = read(sys.argv[1]), read(sys.argv[2]), int(sys.argv[3])
top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
rows = []
for k in set(a) | set(b):
    ia, ba = a.get(k, (0, 0))
    ib, bb = b.get(k, (0, 0))
    rows.append(((bb - ba) / n, (ib - ia) / n, k))
rows.sort(reverse=True)
total = sum(r[0] for r in rows)
print(f"sockets {n}: live heap per socket {total:.0f} bytes ({total / 1024:.2f} KiB)")
print("| bytes/socket | objects/socket | class |\n|---:|---:|---|")
for r in rows[:top]:
    print(f"| {r[0]:.1f} | {r[1]:.2f} | `{r[2]}` |")
