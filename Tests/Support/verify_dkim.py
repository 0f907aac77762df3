#!/usr/bin/python3
"""Verifies DKIM signatures with dkimpy (Debian's python3-dkim, python3-nacl for Ed25519): the
independent judge of MailroomDKIM. No network: the public keys are given as the DNS answers.

Usage: verify_dkim.py JOB.json, where JOB is {"dns": {"sel._domainkey.example.com": "v=DKIM1; ..."},
"messages": ["a.eml", ...]}. Prints one JSON line per message: {"signatures": N, "results": [...]},
a result per DKIM-Signature (top first): true, false, or the error dkimpy raised, as a string.
"""
import json
import sys

import dkim


def main():
    with open(sys.argv[1]) as f:
        job = json.load(f)
    records = {name.rstrip(".").lower(): text.encode() for name, text in job["dns"].items()}

    def dnsfunc(name, timeout=5):
        return records.get(name.decode().rstrip(".").lower())

    for path in job["messages"]:
        with open(path, "rb") as f:
            message = f.read()
        count = sum(1 for name, _ in dkim.DKIM(message).headers if name.lower() == b"dkim-signature")
        results = []
        for index in range(count):
            try:
                results.append(bool(dkim.DKIM(message).verify(idx=index, dnsfunc=dnsfunc)))
            except Exception as error:  # dkimpy raises for a body hash mismatch and other failures
                results.append("%s: %s" % (type(error).__name__, error))
        print(json.dumps({"signatures": count, "results": results}))


if __name__ == "__main__":
    main()
