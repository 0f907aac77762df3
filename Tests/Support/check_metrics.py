#!/usr/bin/python3
"""Parses a Prometheus text exposition with prometheus_client's own parser (the judge of /metrics).

Usage: check_metrics.py FILE
Prints one JSON object: {"families": {name: type}, "samples": [[name, labels, value], ...]}.
Exits 1 with the parser's error when the text does not parse.
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    families = {}
    samples = []
    try:
        for family in text_string_to_metric_families(text):
            families[family.name] = family.type
            for sample in family.samples:
                samples.append([sample.name, dict(sample.labels), sample.value])
    except Exception as error:  # the parser raises ValueError and others on bad input
        print(f"not valid Prometheus text: {error}", file=sys.stderr)
        sys.exit(1)
    json.dump({"families": families, "samples": samples}, sys.stdout)


main()
