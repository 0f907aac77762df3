#!/usr/bin/env python3
"""Turns run.sh's raw measurements into the one table (Markdown) it prints.

Input rows (tab-separated): row, n, run, elapsed_s, user_s, sys_s, max_rss_kb (the Postfix rows
add daemons_cpu_s, client_cpu_s: the split of user + sys); or for `render` (and its stages
`render-decode`, `render-templates`): row, n, run, msgs_per_s. django-post_office is measured as
two rows, ROW-enq and ROW-dlv (two processes, one after the other), and summed here into ROW, the
whole job: elapsed and CPU added, the larger peak RSS. Every figure is "median [min-max]" over the
runs; every ratio is taken run by run from measurements made side by side, then summarised the same
way.
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
        record = {"rate": count / max(elapsed, 1e-3), "cpu": (user + system) / count * 1e6,
                  "rss": rss / 1024, "count": count, "elapsed": elapsed, "cpu_s": user + system}
        if len(parts) >= 9:
            record["daemons"] = float(parts[7]) / count * 1e6
            record["client"] = float(parts[8]) / count * 1e6
        runs[(row, n)][run] = record
    for (row, n) in list(runs):
        if row.endswith("-enq") and (row[:-4] + "-dlv", n) in runs:
            whole, delivery = row[:-4], runs[(row[:-4] + "-dlv", n)]
            for run, enq in runs[(row, n)].items():
                if run in delivery:
                    dlv = delivery[run]
                    elapsed = enq["elapsed"] + dlv["elapsed"]
                    cpu_s = enq["cpu_s"] + dlv["cpu_s"]
                    runs[(whole, n)][run] = {"rate": enq["count"] / elapsed, "cpu": cpu_s / enq["count"] * 1e6,
                                             "rss": max(enq["rss"], dlv["rss"]), "count": enq["count"],
                                             "elapsed": elapsed, "cpu_s": cpu_s}

    def col(row, n, key):
        return [r[key] for r in runs.get((row, n), {}).values()]

    def ratio(a, b, key="rate"):
        ra, rb = runs.get(a, {}), runs.get(b, {})
        return [ra[k][key] / rb[k][key] for k in sorted(ra) if k in rb]

    labels = {
        "e2e-1": "end to end: mailroom send, 1 connection, pinned",
        "e2e-c": f"end to end: mailroom send, {conns} connections",
        "e2e-del": f"end to end: mailroom send, {conns} connections, right after deleting a large outbox",
        "peer": "usual alternative: Python peer, 1 connection, pinned",
        "po": "django-post_office, whole job: mail.send per event, then send_queued_mail",
        "po-enq": "django-post_office, enqueue alone: render + store (mail.send per event)",
        "po-dlv": "django-post_office, delivery alone: send_queued_mail",
        "po-del": "django-post_office, whole job, right after deleting a large queue",
        "po-del-enq": "django-post_office, enqueue alone, right after deleting a large queue",
        "po-del-dlv": "django-post_office, delivery alone, right after deleting a large queue",
        "pf-smtp": "Postfix as a local queue, renders nothing: one SMTP connection in, relayed to the sink",
        "pf-smtp-del": "Postfix, one SMTP connection, right after deleting a large queue",
        "pf-sendmail": "Postfix as a local queue, renders nothing: `sendmail` per message",
        "pf-sendmail-del": "Postfix, `sendmail` per message, right after deleting a large queue",
        "wire-1": "wire limit: smtp-source, 1 connection, pinned",
        "wire-c": f"wire limit: smtp-source, {conns} connections",
        "floor-1": "transport floor: libcurl alone, same message, 1 connection, pinned",
        "floor-c": f"transport floor: libcurl alone, same message, {conns} connections",
    }
    table_rows = ("e2e-1", "e2e-c", "e2e-del", "peer", "po", "po-enq", "po-dlv", "po-del", "po-del-enq",
                  "po-del-dlv", "pf-smtp", "pf-smtp-del", "pf-sendmail", "pf-sendmail-del")
    sizes = sorted({n for (row, n) in runs if n.isdigit() and row in table_rows}, key=int)
    wire_n = meta.get("wire_count", "?")
    out = []
    out.append("| figure | N | msgs/s | CPU µs / msg | peak RSS MB |")
    out.append("|---|---:|---:|---:|---:|")
    for n in sizes:
        for row in table_rows:
            if (row, n) in runs:
                out.append(f"| {labels[row]} | {int(n):,} | {fmt(col(row, n, 'rate'))} | "
                           f"{fmt(col(row, n, 'cpu'))} | {fmt(col(row, n, 'rss'), 1)} |")
    for row in ("e2e-1", "wire-1", "floor-1", "e2e-c", "wire-c", "floor-c"):
        if (row, "wire") in runs:
            label = labels[row] + (" (beside smtp-source)" if row.startswith("e2e") else "")
            out.append(f"| {label} | {int(wire_n):,} | {fmt(col(row, 'wire', 'rate'))} | "
                       f"{fmt(col(row, 'wire', 'cpu'))} | {fmt(col(row, 'wire', 'rss'), 1)} |")
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
                           f"{int(n):,} | {fmt(col(row, n, 'rate'), 2)} | {fmt(col(row, n, 'cpu'))} | "
                           f"{fmt(col(row, n, 'rss'), 1)} |")
    split = [(row, n) for n in sizes for row in ("pf-smtp", "pf-smtp-del", "pf-sendmail", "pf-sendmail-del")
             if (row, n) in runs]
    if split:
        out.append("")
        out.append("| Postfix's CPU µs / msg, split | N | Postfix's daemons (master and children) | "
                   "client: the feeder, with sendmail and postdrop |")
        out.append("|---|---:|---:|---:|")
        for row, n in split:
            out.append(f"| {labels[row]} | {int(n):,} | {fmt(col(row, n, 'daemons'))} | {fmt(col(row, n, 'client'))} |")
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
    for n in sizes:
        for peer, name in (("po", "django-post_office"), ("pf-smtp", "Postfix over one SMTP connection"),
                           ("pf-sendmail", "Postfix through sendmail")):
            if (peer, n) in runs:
                out.append(f"| Mailroom {conns} connections / {name}, calm | {int(n):,} | "
                           f"{fmt(ratio(('e2e-c', n), (peer, n)), 2)} |")
            if (peer + "-del", n) in runs:
                out.append(f"| Mailroom {conns} connections / {name}, both right after deleting a large outbox or queue | "
                           f"{int(n):,} | {fmt(ratio(('e2e-del', n), (peer + '-del', n)), 2)} |")
            if (peer, n) in runs:
                out.append(f"| CPU per message: {name} / Mailroom {conns} connections, calm | {int(n):,} | "
                           f"{fmt(ratio((peer, n), ('e2e-c', n), 'cpu'), 2)} |")
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
               f"Pinned = client and smtp-sink both under `taskset -c 1`. Every smtp-sink runs with -p (no PIPELINING). "
               f"Peers: {meta.get('post_office_versions', '?').strip()}; Postfix {meta.get('postfix_version', '?')}. "
               f"CPU is every process of the system measured (the sink's excluded); the Postfix rows' memory is "
               f"the peak of the sum of its processes' PSS.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
