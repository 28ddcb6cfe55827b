#!/usr/bin/env python3
"""Gives each Reuters article the modification time of a file saved the day it appeared
(noon UTC of its true date in meta.tsv), as a journalist's saved copies would have.

    Benchmarks/stamp-true-dates.py META_TSV FOLDER

Reuters datelines name a day and month without a year, so newsd infers the year from the
file's time: stamped this way, the corpus dates to 1987 and a date filter finds what it should."""
import calendar
import os
import sys

if len(sys.argv) != 3:
    sys.exit(__doc__)
meta, folder = sys.argv[1], sys.argv[2]
months = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
for line in open(meta).read().splitlines()[1:]:
    name, stamp = line.split("\t")[:2]
    day, month, year = stamp.split()[0].split("-")
    t = calendar.timegm((int(year), months[month], int(day), 12, 0, 0))
    path = os.path.join(folder, name)
    if os.path.exists(path):
        os.utime(path, (t, t))
