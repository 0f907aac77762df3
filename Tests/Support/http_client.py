#!/usr/bin/python3
"""HTTP with Python's urllib, a second client beside curl.

Usage: http_client.py URL [--data FILE] [--content-type TYPE] [--token TOKEN]
Prints {"status": N, "headers": {...}, "body": "..."} as JSON; a non-2xx reply is a reply too.

Usage: http_client.py --abort HOST PORT FILE
Sends a POST /v1/events whose Content-Length promises more than FILE holds, sends FILE, then
closes the connection: a client that goes away mid-request.
"""
import json
import socket
import sys
import urllib.error
import urllib.request


def request(args):
    url = args[0]
    data = None
    headers = {}
    i = 1
    while i < len(args):
        if args[i] == "--data":
            with open(args[i + 1], "rb") as f:
                data = f.read()
        elif args[i] == "--content-type":
            headers["Content-Type"] = args[i + 1]
        elif args[i] == "--token":
            headers["Authorization"] = "Bearer " + args[i + 1]
        i += 2
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=60) as reply:
            status, reply_headers, body = reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        status, reply_headers, body = error.code, dict(error.headers), error.read()
    json.dump({"status": status, "headers": reply_headers, "body": body.decode("utf-8", "replace")}, sys.stdout)


def abort(host, port, path):
    with open(path, "rb") as f:
        body = f.read()
    with socket.create_connection((host, int(port)), timeout=10) as s:
        head = (f"POST /v1/events HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-ndjson\r\n"
                f"Content-Length: {len(body) * 2}\r\n\r\n").encode()
        s.sendall(head + body)
    print("{}")


if sys.argv[1] == "--abort":
    abort(sys.argv[2], sys.argv[3], sys.argv[4])
else:
    request(sys.argv[1:])
