#!/usr/bin/env python3
"""Writes N valid account-closure events as NDJSON: the three types x locales en and de-DE, in turn.

Usage: gen_events.py N PREFIX > events.ndjson
Deterministic (seeded), so every run of the benchmark sends the same bytes; ids are PREFIX-<n>
so that each run can use a fresh, distinct set of idempotency keys.
"""
import json
import random
import sys

FIRST = ["Ada", "Grace", "Jürgen", "Zoë", "Søren", "Amélie", "Hedy", "Alan", "Łukasz", "Mary"]
LAST = ["Lovelace", "Hopper", "Müller", "Brontë", "Kierkegaard", "Poulain", "Lamarr", "Turing", "Nowak", "Shelley"]
CURRENCIES = [("EUR", 2), ("USD", 2), ("JPY", 0), ("CHF", 2)]
TYPES = ["account.closure_requested", "account.balance_outstanding", "account.closed"]
LOCALES = ["en", "de-DE"]


def event(n: int, prefix: str, rnd: random.Random) -> dict:
    kind = TYPES[n % 3]
    locale = LOCALES[(n // 3) % 2]
    day = 1 + n % 28
    account = {
        "id": f"acc_{n:07d}",
        "email": f"user{n}@example.com",
        "name": f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
        "locale": locale,
    }
    if kind == "account.closure_requested":
        ref = f"CLS-2026-{n:06d}"
        data = {"reference": ref, "effective_at": f"2099-12-{day:02d}T00:00:00Z",
                "cancel_url": f"https://example.com/account/closure/{ref}/cancel"}
    elif kind == "account.balance_outstanding":
        code, places = rnd.choice(CURRENCIES)
        units = rnd.randint(1, 99999)
        amount = f"{units}.{rnd.randint(0, 99):02d}" if places else str(units)
        data = {"balance": {"amount": amount, "currency": code},
                "withdraw_by": f"2099-12-{day:02d}T23:59:59Z",
                "withdraw_url": "https://example.com/wallet/withdraw"}
    else:
        data = {"closed_at": f"2026-12-{day:02d}T00:00:00Z", "privacy_contact": "privacy@example.com",
                "retained": [
                    {"category": "Invoices and payment records", "reason": "tax law requires us to keep them",
                     "retain_until": "2036-12-31"},
                    {"category": "Identity verification records", "reason": "anti-money-laundering rules",
                     "retain_until": "2031-12-12T00:00:00Z"}]}
    return {"id": f"{prefix}-{n}", "type": kind, "occurred_at": f"2026-11-{day:02d}T09:15:00Z",
            "account": account, "data": data}


def main() -> None:
    count, prefix = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(4)
    out = sys.stdout
    for n in range(count):
        out.write(json.dumps(event(n, prefix, rnd), ensure_ascii=False, separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
