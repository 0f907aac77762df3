#!/usr/bin/env python3
"""Times whole commands from outside, for Benchmarks/outbox-scale.sh: wall time and peak RSS.

    scale_time.py run PLAN.tsv RUNS WARMUP >> RESULTS.tsv
    scale_time.py table RESULTS.tsv META.tsv

`run`: PLAN.tsv has one command per line: `name<TAB>size<TAB>stdin file or -<TAB>argv...`
(tab-separated). Each command is run WARMUP times uncounted, then RUNS rounds, every round running
each line once in the plan's order (so the small and the large outbox alternate, and drift in the
machine's speed hits both). A run's wall time is read from a monotonic clock around fork and
reap; its peak RSS is the kernel's ru_maxrss of the reaped child (os.wait4). Output: one line per
counted run, `name size round wall_ms rss_kb exit`; stdout and stderr of the command go to
/dev/null (its exit status is kept: a non-zero one is printed in the table).
A `{round}` in an argument is replaced by the round number (warm-ups: w1, w2, ...).

`table`: the Markdown table, one row per name: median [min-max] wall ms and peak RSS at each size,
and the ratio large / small taken round by round. It measures and never judges.
"""
import collections
import os
import statistics
import subprocess
import sys
import time


def run(plan_path, runs, warmup):
    plan = []
    for line in open(plan_path):
        if not line.strip():
            continue
        name, size, stdin, *argv = line.rstrip("\n").split("\t")
        plan.append((name, size, stdin, argv))

    def once(name, size, stdin, argv, tag):
        argv = [a.replace("{round}", tag) for a in argv]
        inp = open(stdin, "rb") if stdin != "-" else subprocess.DEVNULL
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=inp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - start) * 1000
        proc.returncode = os.waitstatus_to_exitcode(status)
        if stdin != "-":
            inp.close()
        return wall, usage.ru_maxrss, proc.returncode

    for w in range(warmup):
        for name, size, stdin, argv in plan:
            once(name, size, stdin, argv, f"w{w + 1}")
    out = sys.stdout
    for r in range(1, runs + 1):
        for name, size, stdin, argv in plan:
            wall, rss, code = once(name, size, stdin, argv, str(r))
            out.write(f"{name}\t{size}\t{r}\t{wall:.2f}\t{rss}\t{code}\n")
            out.flush()


def fmt(values, digits=1):
    if not values:
        return "-"
    f = f"{{:,.{digits}f}}"
    return f"{f.format(statistics.median(values))} [{f.format(min(values))}-{f.format(max(values))}]"


def table(results_path, meta_path):
    meta = dict(line.rstrip("\n").split("\t", 1) for line in open(meta_path) if "\t" in line)
    runs = collections.defaultdict(dict)  # (name, size) -> round -> (wall, rss, code)
    names = []
    sizes = []
    for line in open(results_path):
        name, size, r, wall, rss, code = line.rstrip("\n").split("\t")
        runs[(name, size)][int(r)] = (float(wall), int(rss), int(code))
        if name not in names:
            names.append(name)
        if size not in sizes:
            sizes.append(size)
    sizes.sort(key=int)
    small, large = sizes[0], sizes[-1]
    labels = {
        "send": "`mailroom send` of one new event (held: no relay)",
        "status": "`mailroom outbox status`",
        "list-deferred": "`mailroom outbox list --state deferred`",
        "replay-dry-run": "`mailroom replay --dry-run`",
        "show": "`mailroom outbox show ID`",
    }
    s, l = f"{int(small):,}", f"{int(large):,}"
    out = [f"| command | wall ms at {s} | wall ms at {l} | ratio {l} / {s} | peak RSS MB at {s} | peak RSS MB at {l} |",
           "|---|---:|---:|---:|---:|---:|"]
    for name in names:
        a, b = runs.get((name, small), {}), runs.get((name, large), {})
        ratio = [b[k][0] / a[k][0] for k in sorted(b) if k in a]
        failed = sum(1 for v in list(a.values()) + list(b.values()) if v[2] != 0)
        label = labels.get(name, name) + (f" ({failed} runs exited non-zero)" if failed else "")
        out.append(f"| {label} | {fmt([v[0] for v in a.values()])} | {fmt([v[0] for v in b.values()])} | "
                   f"{fmt(ratio, 2)} | {fmt([v[1] / 1024 for v in a.values()])} | "
                   f"{fmt([v[1] / 1024 for v in b.values()])} |")
    out.append("")
    out.append("| outbox | messages | seeded in | directory, apparent | per message | allocated per message | "
               "bytes + event per message | apparent / (bytes + event) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        m = int(meta.get(f"messages_{size}", 0)) or 1
        apparent = int(meta.get(f"apparent_{size}", 0))
        allocated = int(meta.get(f"allocated_{size}", 0))
        content = int(meta.get(f"content_{size}", 0))
        per_content = content / m
        out.append(f"| {int(size):,} | {m:,} | {meta.get(f'seconds_{size}', '?')} s | {apparent / 1e6:,.1f} MB | "
                   f"{apparent / m:,.0f} B | {allocated / m:,.0f} B | {per_content:,.0f} B | "
                   f"{apparent / m / per_content:.2f} |")
    out.append("")
    out.append(f"Medians of {meta.get('runs', '?')} rounds [min-max] after {meta.get('warmup', '?')} warm-up; "
               f"the ratio is taken round by round (both sizes alternate in each round). Wall time is the whole "
               f"process, start-up included; peak RSS is the kernel's ru_maxrss. Page cache warm. "
               f"Load average (1, 5, 15 min) before: {meta.get('load_before', '?')}; after: {meta.get('load_after', '?')}.")
    for size in sizes:
        if f"mix_{size}" in meta:
            out.append(f"Outbox of {int(size):,}: {meta[f'mix_{size}']}.")
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "run":
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) >= 2 and sys.argv[1] == "table":
        table(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
