#!/usr/bin/env python3
"""Builds a corpus N times larger: every article copied N times, each copy made distinct
(a copy number in the headline and a line at the end), so duplicate detection keeps them apart.
Each copy keeps its original's modification time."""
import os
import sys

source, target, times = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(target, exist_ok=True)
for name in sorted(os.listdir(source)):
    if not name.endswith(".txt"):
        continue
    with open(os.path.join(source, name), "rb") as handle:
        data = handle.read()
    headline, _, rest = data.partition(b"\n")
    for copy in range(times):
        text = b"%s (copy %d)\n%s\n\nBenchmark copy %d of %s.\n" % (headline, copy, rest, copy, name.encode())
        copied = os.path.join(target, "c%d-%s" % (copy, name))
        with open(copied, "wb") as out:
            out.write(text)
        # Saved the same day as the original: dates are inferred alike.
        stamp = os.stat(os.path.join(source, name)).st_mtime
        os.utime(copied, (stamp, stamp))
