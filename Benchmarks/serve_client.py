#!/usr/bin/env python3
"""The HTTP side of Benchmarks/serve-intake.sh: loads `mailroom serve` over loopback.

Usage:
  serve_client.py intake PORT EVENTS.ndjson --batch 100 --clients 4
      POSTs the file's events in requests of --batch events from --clients keep-alive connections;
      prints one JSON line: events, requests, seconds, events_per_s, non-200 replies.
  serve_client.py latency PORT EVENTS.ndjson --count 1000
      POSTs one event per request, one at a time, and prints p50/p90/p99/max in milliseconds.

Every reply must be 200 with only `stored` results (a duplicate means the run reused ids).
"""
import argparse
import http.client
import json
import sys
import threading
import time


def post(conn, body):
    conn.request("POST", "/v1/events", body=body, headers={"Content-Type": "application/x-ndjson"})
    reply = conn.getresponse()
    data = reply.read()
    return reply.status, data


def check(status, data, expected):
    if status != 200:
        return f"HTTP {status}: {data[:300]!r}"
    results = json.loads(data)["results"]
    if len(results) != expected or any(r["result"] != "stored" for r in results):
        return f"unexpected results: {data[:300]!r}"
    return None


def intake(args, lines):
    batches = [b"".join(lines[i:i + args.batch]) for i in range(0, len(lines), args.batch)]
    sizes = [min(args.batch, len(lines) - i) for i in range(0, len(lines), args.batch)]
    lock = threading.Lock()
    state = {"next": 0, "errors": []}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
        while True:
            with lock:
                index = state["next"]
                state["next"] += 1
            if index >= len(batches):
                break
            problem = check(*post(conn, batches[index]), sizes[index])
            if problem:
                with lock:
                    state["errors"].append(problem)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(args.clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    print(json.dumps({"events": len(lines), "requests": len(batches), "clients": args.clients, "batch": args.batch,
                      "seconds": round(seconds, 3), "events_per_s": round(len(lines) / seconds),
                      "errors": len(state["errors"]), "first_error": state["errors"][:1]}))
    return 1 if state["errors"] else 0


def latency(args, lines):
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
    times = []
    errors = []
    for line in lines[:args.count]:
        start = time.perf_counter()
        status, data = post(conn, line)
        times.append((time.perf_counter() - start) * 1000)
        problem = check(status, data, 1)
        if problem:
            errors.append(problem)
    times.sort()

    def pct(p):
        return round(times[min(len(times) - 1, int(len(times) * p))], 2)

    print(json.dumps({"requests": len(times), "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99),
                      "max_ms": round(times[-1], 2), "errors": len(errors), "first_error": errors[:1]}))
    return 1 if errors else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["intake", "latency"])
    parser.add_argument("port", type=int)
    parser.add_argument("events")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    with open(args.events, "rb") as f:
        lines = [line for line in f.read().splitlines(keepends=True) if line.strip()]
    sys.exit(intake(args, lines) if args.mode == "intake" else latency(args, lines))


main()
