#!/usr/bin/python3
"""dkimpy's relaxed canonicalisation (RFC 6376 3.4.2 and 3.4.4), the oracle for MailroomDKIM's.

Reads a JSON list of {"header": base64 of one field "Name: value" (folded, no final CRLF), "body":
base64} from stdin; prints a JSON list of {"header": base64, "body": base64}, canonicalised.
"""
import base64
import json
import sys

from dkim.canonicalization import Relaxed

out = []
for case in json.load(sys.stdin):
    field = base64.b64decode(case["header"])
    name, value = field.split(b":", 1)
    ((cname, cvalue),) = Relaxed.canonicalize_headers([(name, value + b"\r\n")])
    body = Relaxed.canonicalize_body(base64.b64decode(case["body"]))
    out.append({"header": base64.b64encode(cname + b":" + cvalue).decode(), "body": base64.b64encode(body).decode()})
json.dump(out, sys.stdout)
