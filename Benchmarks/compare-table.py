#!/usr/bin/env python3
"""Prints Benchmarks/compare's table: one column per newsd-bench run (A1 B1 A2 B2 …)."""
import datetime
import json
import os
import platform
import sys

work, scale, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = {label: json.load(open(os.path.join(work, label + ".json"))) for label in labels}

figures = [
    ("bulk ingest, s", lambda d: d["bulk_seconds"]["median"]),
    ("all placed in stories, s after start", lambda d: d["stories_placed_seconds"]["median"]),
    ("query p50 ms, 1 client", lambda d: d["queries"][0]["p50_ms"]),
    ("query p99 ms, 1 client", lambda d: d["queries"][0]["p99_ms"]),
    ("queries/s, 1 client", lambda d: d["queries"][0]["queries_per_second"]),
    ("queries/s, 8 clients", lambda d: d["queries"][1]["queries_per_second"]),
    ("page ms: a* limit=1000", lambda d: d["pages"][0]["median_ms"]),
    ("page ms: compan* OR said offset=500", lambda d: d["pages"][1]["median_ms"]),
    ("page ms: compan* stories", lambda d: d["pages"][2]["median_ms"]),
    ("page ms: said stories coverage", lambda d: d["pages"][3]["median_ms"]),
    ("drop-to-searchable p99 ms", lambda d: d["drop_to_searchable_ms"]["p99"]),
    ("drop while placing stories p99 ms", lambda d: d.get("drop_during_placement_ms", {}).get("p99")),
    ("RSS idle, MB", lambda d: d["idle_rss_bytes"] / 1048576),
    ("index bytes / corpus bytes", lambda d: d["index_to_corpus_ratio"]),
    ("under load: burst with 8 clients, s", lambda d: d["loaded_ingest"]["seconds"]),
    ("under load: queries answered", lambda d: d["loaded_ingest"]["queries"]),
    ("under load: query p50 ms", lambda d: d["loaded_ingest"]["query_p50_ms"]),
    ("under load: query p99 ms", lambda d: d["loaded_ingest"]["query_p99_ms"]),
    ("under load: status p50 ms", lambda d: d["loaded_ingest"]["status_p50_ms"]),
    ("under load: status p99 ms", lambda d: d["loaded_ingest"]["status_p99_ms"]),
    ("under load: status max ms", lambda d: d["loaded_ingest"]["status_max_ms"]),
]

articles = runs[labels[0]]["articles"]
print("newsd A/B, %s, %d cores, %s, Reuters-21578 x%s (%d articles), one newsd-bench run per column"
      % (datetime.date.today().isoformat(), os.cpu_count(), platform.machine(), scale, articles))
print()
print("%-40s" % "figure" + "".join("%10s" % label for label in labels))
for name, value in figures:
    cells = []
    for label in labels:
        try:
            cells.append("%10.2f" % value(runs[label]))
        except (KeyError, IndexError, TypeError):
            cells.append("%10s" % "-")
    print("%-40s" % name + "".join(cells))
