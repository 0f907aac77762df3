#!/usr/bin/env python3
"""Turns run.sh's raw measurements into the one table (Markdown) it prints.

Input rows (tab-separated): row, n, run, elapsed_s, user_s, sys_s, max_rss_kb; or for `render`
(and its stages `render-decode`, `render-templates`): row, n, run, msgs_per_s. Every figure is "median [min-max]" over the runs; every ratio is taken
run by run from measurements made side by side, then summarised the same way.
Usage: summarize.py RESULTS.tsv META.tsv CONNECTIONS SLOW_DELAY
"""
import collections
import statistics
import sys


def fmt(values, digits=0):
    if not values:
        return "-"
    f = f"{{:,.{digits}f}}"
    med = statistics.median(values)
    return f"{f.format(med)} [{f.format(min(values))}-{f.format(max(values))}]"


def main():
    results, meta_path, conns, delay = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    meta = dict(line.rstrip("\n").split("\t", 1) for line in open(meta_path) if "\t" in line)
    runs = collections.defaultdict(dict)  # (row, n) -> run -> record
    for line in open(results):
        parts = line.rstrip("\n").split("\t")
        row, n, run = parts[0], parts[1], int(parts[2])
        if row.startswith("render"):
            runs[(row, n)][run] = {"rate": float(parts[3])}
            continue
        elapsed, user, system, rss = (float(p) for p in parts[3:7])
        count = int(n) if n.isdigit() else int(meta.get("wire_count", 0))
        runs[(row, n)][run] = {"rate": count / max(elapsed, 1e-3), "cpu": (user + system) / count * 1000,
                               "rss": rss / 1024, "count": count}

    def col(row, n, key):
        return [r[key] for r in runs.get((row, n), {}).values()]

    def ratio(a, b):
        ra, rb = runs.get(a, {}), runs.get(b, {})
        return [ra[k]["rate"] / rb[k]["rate"] for k in sorted(ra) if k in rb]

    labels = {
        "e2e-1": "end to end: mailroom send, 1 connection, pinned",
        "e2e-c": f"end to end: mailroom send, {conns} connections",
        "e2e-del": f"end to end: mailroom send, {conns} connections, right after deleting a large outbox",
        "peer": "usual alternative: Python peer, 1 connection, pinned",
        "wire-1": "wire limit: smtp-source, 1 connection, pinned",
        "wire-c": f"wire limit: smtp-source, {conns} connections",
        "floor-1": "transport floor: libcurl alone, same message, 1 connection, pinned",
        "floor-c": f"transport floor: libcurl alone, same message, {conns} connections",
    }
    sizes = sorted({n for (row, n) in runs if n.isdigit() and row in ("e2e-1", "e2e-c", "e2e-del", "peer")}, key=int)
    wire_n = meta.get("wire_count", "?")
    out = []
    out.append("| figure | N | msgs/s | CPU s / 1,000 msgs | peak RSS MB |")
    out.append("|---|---:|---:|---:|---:|")
    for n in sizes:
        for row in ("e2e-1", "e2e-c", "e2e-del", "peer"):
            if (row, n) in runs:
                out.append(f"| {labels[row]} | {int(n):,} | {fmt(col(row, n, 'rate'))} | "
                           f"{fmt(col(row, n, 'cpu'), 2)} | {fmt(col(row, n, 'rss'), 1)} |")
    for row in ("e2e-1", "wire-1", "floor-1", "e2e-c", "wire-c", "floor-c"):
        if (row, "wire") in runs:
            label = labels[row] + (" (beside smtp-source)" if row.startswith("e2e") else "")
            out.append(f"| {label} | {int(wire_n):,} | {fmt(col(row, 'wire', 'rate'))} | "
                       f"{fmt(col(row, 'wire', 'cpu'), 2)} | {fmt(col(row, 'wire', 'rss'), 1)} |")
    stage_labels = {
        "render": "render only: validate + render + MIME in memory, 1 thread, pinned",
        "render-decode": "render only, first stage alone: decode + validate",
        "render-templates": "render only, first two stages: decode + validate + templates (no MIME)",
    }
    for stage, label in stage_labels.items():
        for (row, n) in runs:
            if row == stage:
                out.append(f"| {label} | {int(n):,} | {fmt(col(row, n, 'rate'))} | - | - |")
    for c in ("1", "4", "16"):
        for (row, n) in runs:
            if row == f"slow-{c}":
                out.append(f"| slow relay (DATA answered after {delay} s): mailroom send, {c} connection(s) | "
                           f"{int(n):,} | {fmt(col(row, n, 'rate'), 2)} | {fmt(col(row, n, 'cpu'), 2)} | "
                           f"{fmt(col(row, n, 'rss'), 1)} |")
    out.append("")
    out.append("| ratio (run by run, side by side) | N | median [min-max] |")
    out.append("|---|---:|---:|")
    for n in sizes:
        if ("e2e-del", n) in runs:
            out.append(f"| Mailroom {conns} connections: right after deleting a large outbox / calm | {int(n):,} | "
                       f"{fmt(ratio(('e2e-del', n), ('e2e-c', n)), 2)} |")
        if ("peer", n) in runs and ("e2e-del", n) in runs:
            out.append(f"| Mailroom {conns} connections right after deleting a large outbox / Python peer | {int(n):,} | "
                       f"{fmt(ratio(('e2e-del', n), ('peer', n)), 2)} |")
        if ("peer", n) in runs:
            out.append(f"| Mailroom 1 connection / Python peer (both pinned) | {int(n):,} | "
                       f"{fmt(ratio(('e2e-1', n), ('peer', n)), 2)} |")
            out.append(f"| Mailroom {conns} connections / Python peer | {int(n):,} | "
                       f"{fmt(ratio(('e2e-c', n), ('peer', n)), 2)} |")
    if ("wire-1", "wire") in runs:
        out.append(f"| Mailroom / smtp-source, 1 connection (both pinned) | {int(wire_n):,} | "
                   f"{fmt(ratio(('e2e-1', 'wire'), ('wire-1', 'wire')), 2)} |")
        out.append(f"| Mailroom / smtp-source, {conns} connections | {int(wire_n):,} | "
                   f"{fmt(ratio(('e2e-c', 'wire'), ('wire-c', 'wire')), 2)} |")
    if ("floor-1", "wire") in runs:
        for label, floor, wire, e2e in (("1 connection (pinned)", "floor-1", "wire-1", "e2e-1"),
                                        (f"{conns} connections", "floor-c", "wire-c", "e2e-c")):
            out.append(f"| libcurl floor / smtp-source, {label} | {int(wire_n):,} | "
                       f"{fmt(ratio((floor, 'wire'), (wire, 'wire')), 2)} |")
            out.append(f"| Mailroom / libcurl floor, {label} | {int(wire_n):,} | "
                       f"{fmt(ratio((e2e, 'wire'), (floor, 'wire')), 2)} |")
    slow = {row: n for (row, n) in runs if row.startswith("slow-")}
    if "slow-1" in slow and "slow-16" in slow:
        for c in ("4", "16"):
            out.append(f"| slow relay: {c} connections / 1 connection | {int(slow['slow-1']):,} | "
                       f"{fmt(ratio((f'slow-{c}', slow[f'slow-{c}']), ('slow-1', slow['slow-1'])), 2)} |")
    out.append("")
    out.append(f"Message size {meta.get('message_bytes', '?')} bytes (smtp-source sends one such Mailroom message). "
               f"Load average (1, 5, 15 min) before: {meta.get('load_before', '?')}; after: {meta.get('load_after', '?')}. "
               f"Pinned = client and smtp-sink both under `taskset -c 1`. Every smtp-sink runs with -p (no PIPELINING).")
    print("\n".join(out))


if __name__ == "__main__":
    main()
