#!/usr/bin/env python3
"""Prints the benchmark table (newsd beside its baselines, with ratios) or, with --json,
the combined figures with the date, the machine and the corpus."""
import datetime
import json
import os
import platform
import sys

args = sys.argv[1:]
as_json = args and args[0] == "--json"
if as_json:
    args = args[1:]
work, labels = args[0], args[1:]


def page_grouping(page):
    """A page's grouping and order, when not the default (one hit per copy group, by relevance)."""
    parts = [page[key] for key in ("group", "sort") if key in page]
    return " " + " ".join(parts) if parts else ""


def load(name):
    with open(os.path.join(work, name + ".json")) as handle:
        return json.load(handle)


machine = "%d cores, %s" % (os.cpu_count(), platform.machine())
date = datetime.date.today().isoformat()
combined = {"date": date, "machine": machine, "corpus": "Reuters-21578 (19,043 articles) and copies", "results": {}}
lines = ["newsd benchmarks, %s, %s, Reuters-21578 corpus" % (date, machine), ""]
for label in labels:
    newsd, raw, recoll = load("newsd-" + label), load("sqlite-" + label), load("recoll-" + label)
    # newsd on a shared PostgreSQL archive (absent with POSTGRES=0).
    pg = load("postgres-" + label) if os.path.exists(os.path.join(work, "postgres-" + label + ".json")) else None
    combined["results"][label] = {"newsd": newsd, "sqlite3": raw, "recoll": recoll}
    if pg:
        combined["results"][label]["newsd_postgresql"] = pg
    pg_queries = {int(q["clients"]): q for q in pg["queries"]} if pg else {}
    n = newsd["articles"]
    mb = newsd["corpus_bytes"] / 1048576
    lines.append("corpus %s: %d articles, %.1f MB, median of %d runs (spread)" % (label, n, mb, newsd["runs"]))
    lines.append("%-40s %18s %18s %18s %18s %s" % ("figure", "newsd", "sqlite3 raw", "recoll", "newsd+postgresql",
                                                   "newsd/raw, newsd/recoll"))

    def row(name, ours, raw_value, recoll_value, fmt="%.2f", higher_better=True, pg_value=None):
        def show(v):
            return "-" if v is None else fmt % v
        ratios = []
        for base in (raw_value, recoll_value):
            if ours is None or base is None or base == 0 or ours == 0:
                ratios.append("-")
            else:
                ratios.append("%.2fx" % ((ours / base) if higher_better else (base / ours)))
        lines.append("%-40s %18s %18s %18s %18s %s" % (name, show(ours), show(raw_value), show(recoll_value), show(pg_value),
                                                       ", ".join(ratios)))

    bulk = newsd["bulk_seconds"]
    row("bulk ingest, s (spread %.2f)" % bulk["spread"], bulk["median"], raw["load_seconds"]["median"],
        recoll["index_seconds"]["median"], higher_better=False, pg_value=pg["bulk_seconds"]["median"] if pg else None)
    if "tuned_load_seconds" in raw:
        row("bulk ingest, s, vs raw FTS5 tuned for bulk", bulk["median"], raw["tuned_load_seconds"]["median"], None,
            higher_better=False)
    row("bulk ingest, articles/s", newsd["bulk_articles_per_second"], n / raw["load_seconds"]["median"],
        n / recoll["index_seconds"]["median"], "%.0f", pg_value=pg["bulk_articles_per_second"] if pg else None)
    row("bulk ingest, MB/s", newsd["bulk_mb_per_second"], mb / raw["load_seconds"]["median"],
        mb / recoll["index_seconds"]["median"])
    if "stories_placed_seconds" in newsd:
        row("all placed in stories, s after start", newsd["stories_placed_seconds"]["median"], None, None, "%.2f",
            pg_value=pg["stories_placed_seconds"]["median"] if pg and "stories_placed_seconds" in pg else None)
    if "quiet_seconds" in newsd:
        row("idle work done (3 s quiet), s after start", newsd["quiet_seconds"]["median"], None, None, "%.2f")
    row("burst into running daemon, articles/s", newsd["burst_articles_per_second"], None, None, "%.0f")
    for load_row in newsd["queries"]:
        c = int(load_row["clients"])
        base = (raw["query_p50_ms"], recoll["query_p50_ms"]) if c == 1 else (None, None)
        on_pg = pg_queries.get(c, {})
        row("query p50 ms, %d client(s)" % c, load_row["p50_ms"], base[0], base[1], "%.2f", higher_better=False,
            pg_value=on_pg.get("p50_ms"))
        base99 = (raw["query_p99_ms"], recoll["query_p99_ms"]) if c == 1 else (None, None)
        row("query p99 ms, %d client(s)" % c, load_row["p99_ms"], base99[0], base99[1], "%.2f", higher_better=False,
            pg_value=on_pg.get("p99_ms"))
        row("queries/s, %d client(s)" % c, load_row["queries_per_second"], None, None, "%.0f",
            pg_value=on_pg.get("queries_per_second"))
    for page in newsd.get("pages", []):
        name = "page ms: %s limit=%d offset=%d%s" % (page["query"], page["limit"], page["offset"], page_grouping(page))
        if "error" in page:
            lines.append("%-40s %s" % (name, "failed: " + page["error"]))
        else:
            row(name, page["median_ms"], None, None)
    drop = newsd["drop_to_searchable_ms"]
    row("drop-to-searchable p50 ms", drop["p50"], None, None)
    row("drop-to-searchable p99 ms", drop["p99"], None, None)
    # Measured after the burst, while its articles wait for their stories (absent when none did).
    placing = newsd.get("drop_during_placement_ms")
    if placing:
        row("drop while placing stories p50 ms", placing["p50"], None, None)
        row("drop while placing stories p99 ms", placing["p99"], None, None)
        if placing.get("slowest"):
            lines.append("%-53s %s" % ("drop while placing stories, slowest (ms @ drop)",
                                       ", ".join("%.2f @ %d" % (s["ms"], s["drop"]) for s in placing["slowest"])))
    row("RSS idle, MB", newsd["idle_rss_bytes"] / 1048576, None, None, "%.1f",
        pg_value=pg["idle_rss_bytes"] / 1048576 if pg else None)
    row("RSS peak, MB", newsd["peak_rss_bytes"]["median"] / 1048576, None, recoll["peak_rss_bytes"] / 1048576, "%.1f",
        higher_better=False)
    row("index bytes / corpus bytes", newsd["index_to_corpus_ratio"], None, None,
        pg_value=pg["index_to_corpus_ratio"] if pg else None)
    row("restart: READY, s", newsd["restart_ready_seconds"]["median"], None, None, "%.3f")
    row("restart: reconciled, s", newsd["restart_reconciled_seconds"]["median"], None, None, "%.3f")
    loaded = newsd.get("loaded_ingest")
    if loaded:
        row("under load: burst with %d clients, s" % loaded["clients"], loaded["seconds"], None, None)
        row("under load: status p99 ms", loaded["status_p99_ms"], None, None)
        row("under load: status max ms", loaded["status_max_ms"], None, None)
        row("under load: query p50 ms", loaded["query_p50_ms"], None, None)
        row("under load: query p99 ms", loaded["query_p99_ms"], None, None)
        # The load's clients against the idle p99 of the same number of clients, and of one; the
        # archive grows during the load, so neither is the same work.
        idle = {int(q["clients"]): q["p99_ms"] for q in newsd["queries"]}
        for clients in sorted({int(loaded["clients"]), 1}, reverse=True):
            if idle.get(clients):
                row("under load: p99 / idle p99, %d client(s)" % clients, loaded["query_p99_ms"] / idle[clients], None, None)
        row("under load: longest watchdog gap, s (pings every %g)" % loaded["watchdog_ping_interval_s"],
            loaded["watchdog_longest_gap_s"], None, None)
        if "watchdog_withheld" in loaded:
            row("under load: watchdog pings withheld (logged)", loaded["watchdog_withheld"], None, None, fmt="%d")
            row("under load: inbox rescans after inotify overflow", loaded["inotify_overflow_rescans"], None, None, fmt="%d")
    lines.append("newsd's query mix adds a date filter (oil date:1987-03) that the baselines cannot run")
    if pg:
        lines.append("newsd+postgresql: the same newsd with index_url on a local PostgreSQL%s cluster (Debian's defaults, "
                     "socket); its size is its tables' with their indexes; one host places stories in a local SQLite index "
                     "and publishes them (all placed = every article's story in the database)" % pg.get("server", ""))
    lines.append("")

def growth_figures(newsd):
    one = next(q for q in newsd["queries"] if q["clients"] == 1)
    eight = next(q for q in newsd["queries"] if q["clients"] == 8)
    figures = {
        "bulk ingest, s": newsd["bulk_seconds"]["median"],
        "all placed in stories, s": newsd.get("stories_placed_seconds", {}).get("median"),
        "idle work done, s": newsd.get("quiet_seconds", {}).get("median"),
        "query p50 ms, 1 client": one["p50_ms"],
        "query p99 ms, 1 client": one["p99_ms"],
        "queries/s, 8 clients": eight["queries_per_second"],
        "index bytes / corpus bytes": newsd["index_to_corpus_ratio"],
        "RSS idle, MB": newsd["idle_rss_bytes"] / 1048576,
    }
    for page in newsd.get("pages", []):
        if "median_ms" in page:
            figures["page %s (limit %d, offset %d%s) ms" % (page["query"], page["limit"], page["offset"], page_grouping(page))] = page["median_ms"]
    if "drop_during_placement_ms" in newsd:
        figures["drop while placing stories p99 ms"] = newsd["drop_during_placement_ms"]["p99"]
    if "loaded_ingest" in newsd:
        figures["under load: status p99 ms"] = newsd["loaded_ingest"]["status_p99_ms"]
    return figures


if len(labels) > 1:
    first = growth_figures(load("newsd-" + labels[0]))
    lines.append("how newsd's figures grow with the archive (value, and ratio to %s)" % labels[0])
    lines.append("%-40s" % "figure" + "".join("%22s" % label for label in labels))
    grown = [growth_figures(load("newsd-" + label)) for label in labels]
    for name in first:
        cells = []
        for figures in grown:
            value, base = figures.get(name), first.get(name)
            if value is None:
                cells.append("%22s" % "-")
            else:
                ratio = "" if not base else " (%.2fx)" % (value / base)
                cells.append("%22s" % ("%.2f%s" % (value, ratio)))
        lines.append("%-40s" % name + "".join(cells))
    combined["growth"] = {label: figures for label, figures in zip(labels, grown)}
print(json.dumps(combined, indent=2, sort_keys=True) if as_json else "\n".join(lines))
