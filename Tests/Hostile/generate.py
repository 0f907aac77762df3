#!/usr/bin/python3
"""Generates Mailroom's hostile-input corpus, and the expectation of every case.

Usage:
  generate.py                 rewrite Tests/Hostile/corpus/ (committed; deterministic)
  generate.py --runtime DIR   write the big cases (10 MB events, huge lists) into DIR, with
                              DIR/manifest.json; never committed
  generate.py --summary       print the corpus by category as a Markdown table
  generate.py --million FILE  write a million-line stdin (mostly blank or invalid) to FILE and
                              print {"lines", "valid", "invalid"}; valid event ids are
                              stdin-N for line N, sent to sN@example.com

Each case is one NDJSON file `NNN-name.ndjson`; manifest.json maps the file name to a list of
expectations, one per non-blank line:
  {"line": N, "outcome": "accepted", "event_id", "email", "display_name",
   "text_contains": [...], "html_absent": [...], "subject_contains": [...]}
  {"line": N, "outcome": "rejected", "path": "$.account.email", "message": "substring",
   "event_id": "..." (only when the id itself is valid)}
  {"line": N, "outcome": "duplicate", "event_id": "..."}
An accepted event must be delivered once, to exactly `email`, with exactly the usual headers.
A rejected one must be reported with its source and line, and a problem naming `path` and
containing `message`. Nothing else may happen: no other message, recipient or SMTP command.
"""
import copy
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------------------------
# Valid events of each type; every case starts from one of them.

def closure(n):
    return {"id": f"h{n:03d}", "type": "account.closure_requested", "occurred_at": "2026-11-28T09:15:00Z",
            "account": {"id": "acc_1", "email": f"r{n:03d}@example.com", "name": "Ada Lovelace", "locale": "en"},
            "data": {"reference": "CLS-2026-0042", "effective_at": "2099-12-12T00:00:00Z",
                     "cancel_url": "https://example.com/account/closure/cancel",
                     "support_url": "https://example.com/support"}}


def balance(n):
    return {"id": f"h{n:03d}", "type": "account.balance_outstanding", "occurred_at": "2026-11-28T09:16:00Z",
            "account": {"id": "acc_1", "email": f"r{n:03d}@example.com", "name": "Ada Lovelace", "locale": "de-DE"},
            "data": {"balance": {"amount": "1250.75", "currency": "EUR"}, "withdraw_by": "2099-12-10T23:59:59Z",
                     "withdraw_url": "https://example.com/wallet/withdraw"}}


def closed(n):
    return {"id": f"h{n:03d}", "type": "account.closed", "occurred_at": "2026-12-12T00:05:00Z",
            "account": {"id": "acc_1", "email": f"r{n:03d}@example.com", "name": "Ada Lovelace", "locale": "en"},
            "data": {"closed_at": "2026-12-12T00:00:00Z", "privacy_contact": "privacy@example.com",
                     "retained": [{"category": "Invoices", "reason": "tax law", "retain_until": "2036-12-31"}]}}


# Every string field: its JSON path, the event it belongs to, and its kind (which decides
# whether free text such as HTML is acceptable in it).
FIELDS = [
    ("$.id", closure, ["id"], "id"),
    ("$.type", closure, ["type"], "type"),
    ("$.occurred_at", closure, ["occurred_at"], "time"),
    ("$.account.id", closure, ["account", "id"], "text"),
    ("$.account.email", closure, ["account", "email"], "email"),
    ("$.account.name", closure, ["account", "name"], "name"),
    ("$.account.locale", closure, ["account", "locale"], "locale"),
    ("$.data.reference", closure, ["data", "reference"], "reference"),
    ("$.data.effective_at", closure, ["data", "effective_at"], "time"),
    ("$.data.cancel_url", closure, ["data", "cancel_url"], "url"),
    ("$.data.support_url", closure, ["data", "support_url"], "url"),
    ("$.data.balance.amount", balance, ["data", "balance", "amount"], "amount"),
    ("$.data.balance.currency", balance, ["data", "balance", "currency"], "currency"),
    ("$.data.withdraw_by", balance, ["data", "withdraw_by"], "time"),
    ("$.data.withdraw_url", balance, ["data", "withdraw_url"], "url"),
    ("$.data.closed_at", closed, ["data", "closed_at"], "time"),
    ("$.data.privacy_contact", closed, ["data", "privacy_contact"], "email"),
    ("$.data.retained[0].category", closed, ["data", "retained", 0, "category"], "category"),
    ("$.data.retained[0].reason", closed, ["data", "retained", 0, "reason"], "reason"),
    ("$.data.retained[0].retain_until", closed, ["data", "retained", 0, "retain_until"], "time"),
]
FREE_TEXT = {"text", "name", "reference", "category", "reason"}
# Free-text fields that the plain-text part shows verbatim.
SHOWN_IN_TEXT = {"name", "reference", "category", "reason"}


def put(event, keys, value):
    target = event
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


def dumps(event):
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Corpus:
    def __init__(self):
        self.cases = []  # (file name, bytes, expectations)
        self.category = ""
        self.categories = []  # the category of each case, for --summary

    @property
    def next_number(self):
        return len(self.cases) + 1

    def add(self, name, data, expectations):
        number = self.next_number
        file_name = f"{number:03d}-{name}.ndjson"
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.cases.append((file_name, data, expectations))
        self.categories.append(self.category)

    # Helpers for the common shapes -----------------------------------------------------------

    def accepted_event(self, name, event, display_name=None, **checks):
        """One valid event: delivered to its account.email."""
        expectation = {"line": 1, "outcome": "accepted", "event_id": event["id"],
                       "email": event["account"]["email"],
                       "display_name": event["account"].get("name") if display_name is None else display_name}
        for key in ("text_contains", "html_absent", "subject_contains"):
            expectation[key] = checks.get(key, [])
        self.add(name, dumps(event) + b"\n", [expectation])

    def rejected_line(self, name, data, path, message, event_id=None):
        expectation = {"line": 1, "outcome": "rejected", "path": path, "message": message}
        if event_id is not None:
            expectation["event_id"] = event_id
        if isinstance(data, dict):
            data = dumps(data) + b"\n"
        self.add(name, data, [expectation])


def slug(path):
    return path.replace("$.", "").replace("[0]", "").replace(".", "-").replace("_", "-")


# ---------------------------------------------------------------------------------------------
# 1. Injection payloads in every field.

CRLF_HEADER = "x\r\nBcc: evil@example.com"
UNICODE_CRLF_RCPT = "x\u000d\u000aRCPT TO:<evil@example.com>"
END_OF_DATA = "x\r\n.\r\nRCPT TO:<evil@example.com>\r\n"
NUL = "x\u0000Bcc: evil@example.com"
SCRIPT = "<script>alert(1)</script>"
LINE_SEPARATOR = "x\u2028Bcc: evil@example.com"
NEL = "x\u0085Bcc: evil@example.com"


def rejection_message(kind):
    """What the error for a control character says, per kind of field."""
    return {"email": "control characters", "url": "control characters"}.get(kind, "")


def injections_in_every_field(corpus):
    corpus.category = "CR/LF, NUL and SMTP end-of-data in every field (JSON escapes, \\u000d\\u000a, raw CR)"
    for path, make, keys, kind in FIELDS:
        for label, payload in (("crlf-bcc", CRLF_HEADER), ("u000d-rcpt", UNICODE_CRLF_RCPT),
                               ("end-of-data", END_OF_DATA), ("nul", NUL)):
            event = make(corpus.next_number)
            put(event, keys, payload)
            valid_id = event["id"] if path != "$.id" else None
            message = "control characters" if kind in FREE_TEXT or kind in ("email", "url") else ""
            corpus.rejected_line(f"{label}-in-{slug(path)}", event, path, message, valid_id)
        # The same text with the CR and LF as raw bytes: not even valid JSON.
        event = make(corpus.next_number)
        put(event, keys, "@@RAW@@")
        raw = dumps(event).replace(b"@@RAW@@", b"x\rBcc: evil@example.com") + b"\n"
        corpus.rejected_line(f"raw-cr-in-{slug(path)}", raw, "$", "must be escaped")


def encoded_crlf_in_every_field(corpus):
    """%0d%0a is just text: harmless where text is allowed, refused where a format is required."""
    corpus.category = "percent-encoded CR/LF (%0d%0a) in every field"
    for path, make, keys, kind in FIELDS:
        event = make(corpus.next_number)
        valid_id = event["id"] if path != "$.id" else None
        if kind in FREE_TEXT:
            value = "x%0d%0aBcc: evil@example.com%0D%0A.%0D%0A"
        elif kind == "email":
            value = f"r{corpus.next_number:03d}%0d%0aRCPT@example.com"
        elif kind == "url":
            value = "https://example.com/x%0d%0aBcc:%20evil@example.com"
        else:
            value = "x%0d%0aBcc:evil"
        put(event, keys, value)
        if kind in FREE_TEXT or kind in ("email", "url"):
            checks = {"text_contains": [value] if kind in SHOWN_IN_TEXT else []}
            corpus.accepted_event(f"percent-crlf-in-{slug(path)}", event, **checks)
        else:
            corpus.rejected_line(f"percent-crlf-in-{slug(path)}", event, path, "", valid_id)


def html_in_every_field(corpus):
    corpus.category = "HTML and script in every field"
    for path, make, keys, kind in FIELDS:
        event = make(corpus.next_number)
        valid_id = event["id"] if path != "$.id" else None
        if kind == "url":
            value = "https://example.com/" + SCRIPT
        elif kind == "email":
            value = SCRIPT + "@example.com"
        else:
            value = SCRIPT
        put(event, keys, value)
        if kind in FREE_TEXT:
            corpus.accepted_event(f"script-in-{slug(path)}", event,
                                  text_contains=[value] if kind in SHOWN_IN_TEXT else [],
                                  html_absent=["<script", "alert(1)</"])
        else:
            corpus.rejected_line(f"script-in-{slug(path)}", event, path, "", valid_id)


def unicode_separators(corpus):
    corpus.category = "U+2028 and NEL in every free-text field"
    for path, make, keys, kind in FIELDS:
        if kind not in FREE_TEXT:
            continue
        for label, payload in (("u2028", LINE_SEPARATOR), ("nel", NEL)):
            event = make(corpus.next_number)
            put(event, keys, payload)
            corpus.rejected_line(f"{label}-in-{slug(path)}", event, path, "control characters", event["id"])


# ---------------------------------------------------------------------------------------------
# 2. Header and SMTP look-alikes that contain no line break: must stay data.

def lookalikes(corpus):
    corpus.category = "header, SMTP, boundary and mustache look-alikes; extra recipient fields"
    names = [
        ("name-bcc-header", "Bcc: evil@example.com"),
        ("name-is-address", "evil@example.com"),
        ("name-angle-address", "Evil <evil@example.com>"),
        ("name-address-list", "a, evil@example.com, b <evil2@example.com>"),
        ("name-rcpt-command", "RCPT TO:<evil@example.com>"),
        ("name-quotes-backslash", 'Ada "The Countess" \\ Lovelace'),
        ("name-encoded-word-lookalike", "=?utf-8?q?x=0D=0ABcc:_evil@example.com?="),
        ("name-mime-version", "MIME-Version: 1.0; Content-Type: text/html"),
        ("name-semicolon-group", "undisclosed-recipients:;"),
        ("name-parens-comment", "Ada (evil@example.com) Lovelace"),
        ("name-single-dot", "."),
        ("name-boundary-lookalike", "--=_mailroom_0000--"),
        ("name-mustache", "{{email}} {{{body}}} {{#retained}}x{{/retained}}"),
        ("name-homoglyph", "\u0410d\u0430 L\u043evel\u0430ce"),
        ("name-rtl-override", "Ada \u202egnp.exe"),
        ("name-zero-width", "A\u200bd\u200ba"),
        ("name-emoji", "Ada \U0001F600\U0001F468\u200D\U0001F469\u200D\U0001F467"),
        ("name-long-word-256", "A" * 256),
        ("name-256-umlauts", "\u00fc" * 256),
        ("name-256-emoji", "\U0001F600" * 256),
        ("name-html-entity", "&lt;script&gt; &amp; &#x3C;"),
        ("name-img-onerror", '"><img src=x onerror=alert(1)>'),
        ("name-sql", "Robert'); DROP TABLE students;--"),
        ("name-leading-trailing-space", "  Ada  "),
    ]
    for label, name in names:
        event = closure(corpus.next_number)
        event["account"]["name"] = name
        html_absent = ["<script", "<img src=x"] if "<" in name else []
        corpus.accepted_event(label, event, display_name=name,
                              html_absent=html_absent)
    references = [
        ("reference-subject-header", "Subject: free money"),
        ("reference-single-dot", "."),
        ("reference-dot-line", ".\u00a0."),
        ("reference-mustache", "{{> layout}}{{reference}}"),
        ("reference-script", "<script>x</script>"),
    ]
    for label, reference in references:
        event = closure(corpus.next_number)
        event["data"]["reference"] = reference
        corpus.accepted_event(label, event, subject_contains=[reference], text_contains=[reference],
                              html_absent=["<script"])
    event = closed(corpus.next_number)
    event["data"]["retained"][0]["reason"] = "--=_mailroom_boundary--"
    corpus.accepted_event("reason-boundary-lookalike", event, text_contains=["--=_mailroom_boundary--"])
    event = closed(corpus.next_number)
    event["data"]["privacy_contact"] = "evil@example.com"
    corpus.accepted_event("privacy-contact-is-not-a-recipient", event)
    extras = [
        ("extra-bcc-field", {"bcc": "evil@example.com", "cc": ["evil2@example.com"]}),
        ("extra-headers-field", {"headers": {"Bcc": "evil@example.com", "Subject": "x"}}),
        ("extra-recipients-field", {"recipients": ["evil@example.com"], "to": "evil@example.com"}),
        ("extra-from-field", {"from": "ceo@example.com", "reply_to": "evil@example.com"}),
    ]
    for label, extra in extras:
        event = closure(corpus.next_number)
        event.update(extra)
        corpus.accepted_event(label, event)
    event = closure(corpus.next_number)
    event["account"]["bcc"] = "evil@example.com"
    event["account"]["Email"] = "evil@example.com"
    corpus.accepted_event("extra-account-fields", event)


# ---------------------------------------------------------------------------------------------
# 3. Addresses: SMTP syntax, homoglyphs and IDN.

def addresses(corpus):
    corpus.category = "addresses: SMTP syntax, homoglyphs, IDN"
    refused = [
        ("email-angle-close-rcpt", "ada@example.com>\r\nRCPT TO:<evil@example.com", "control characters"),
        ("email-angle-brackets", "<ada@example.com>", ""),
        ("email-size-parameter", "ada@example.com> SIZE=1", ""),
        ("email-two-addresses", "ada@example.com,evil@example.com", ""),
        ("email-space-list", "ada@example.com evil@example.com", ""),
        ("email-domain-literal", "ada@[127.0.0.1]", ""),
        ("email-localhost", "ada@localhost", "fully qualified"),
        ("email-quoted-local", '"evil"@example.com', ""),
        ("email-trailing-dot", "ada@example.com.", "empty label"),
        ("email-leading-dot", ".ada@example.com", "empty dot-separated"),
        ("email-double-dot", "ada..b@example.com", "empty dot-separated"),
        ("email-hyphen-label", "ada@-example.com", "hyphen"),
        ("email-comment", "(comment)ada@example.com", ""),
        ("email-underscore-domain", "ada@exa_mple.com", "letters, digits and hyphens"),
        ("email-no-at", "ada.example.com", "no @"),
        ("email-empty", "", "empty"),
        ("email-percent-route", "ada%evil.com@", "domain after @ is empty"),
        ("email-source-route", "@evil.com:ada@example.com", ""),
        ("email-cyrillic-a-domain", "ada@ex\u0430mple.com", "ASCII"),
        ("email-cyrillic-local", "\u0430da@example.com", "ASCII"),
        ("email-idn-unicode-domain", "ada@b\u00fccher.de", "ASCII"),
        ("email-fullwidth-at", "ada\uff20example.com", "ASCII"),
        ("email-zero-width-space", "ada\u200b@example.com", "ASCII"),
        ("email-greek-omicron", "ada@exampl\u03bf.com", "ASCII"),
        ("email-rtl-override", "ada@\u202emoc.elpmaxe", "ASCII"),
        ("email-local-65", "a" * 65 + "@example.com", "64"),
        ("email-label-64", "ada@" + "a" * 64 + ".com", "63"),
        ("email-255-octets", "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".xyz.com", "254"),
        ("email-tab", "ada@example.com\t", "control characters"),
    ]
    for label, address, message in refused:
        event = closure(corpus.next_number)
        event["account"]["email"] = address
        corpus.rejected_line(label, event, "$.account.email", message, event["id"])
    accepted = [
        ("email-idn-a-label", "ada@xn--bcher-kva.de"),
        ("email-idn-a-label-local-plus", "ada+closure@xn--mnchen-3ya.example"),
        ("email-percent-in-local", "ada%evil.com@example.com"),
        ("email-atext-symbols", "!#$%&'*+-/=?^_`{|}~@example.com"),
        ("email-local-64", "a" * 64 + "@example.com"),
        ("email-label-63", "ada@" + "a" * 63 + ".com"),
        ("email-254-octets", "a" * 64 + "@" + ".".join(["b" * 60] * 3) + ".xy.com"),
        ("email-upper-case", "ADA@EXAMPLE.COM"),
    ]
    for label, address in accepted:
        assert len(address) <= 254, label
        event = closure(corpus.next_number)
        event["account"]["email"] = address
        corpus.accepted_event(label, event)


# ---------------------------------------------------------------------------------------------
# 4. Ids that would be dangerous as file names.

def ids(corpus):
    corpus.category = "ids: path traversal and file-name tricks"
    # None: valid by the contract (ids of dots only included), however it looks as a file name.
    cases = [
        ("id-etc-passwd", "../../etc/passwd", "A-Z a-z 0-9"),
        ("id-dot-dot", "..", None),
        ("id-dot", ".", None),
        ("id-three-dots", "...", None),
        ("id-absolute", "/tmp/mailroom-hostile-abs", "A-Z a-z 0-9"),
        ("id-backslash-traversal", "..\\..\\windows\\win.ini", "A-Z a-z 0-9"),
        ("id-slash", "a/b", "A-Z a-z 0-9"),
        ("id-percent-encoded-traversal", "%2e%2e%2fetc%2fpasswd", "A-Z a-z 0-9"),
        ("id-tilde", "~root", "A-Z a-z 0-9"),
        ("id-empty", "", "empty"),
        ("id-space", " ", "A-Z a-z 0-9"),
        ("id-unicode-dot", "\u2024\u2024", "A-Z a-z 0-9"),
        ("id-fullwidth-slash", "..\uff0fetc", "A-Z a-z 0-9"),
        ("id-129", "a" * 129, "128"),
        ("id-star-glob", "*", "A-Z a-z 0-9"),
    ]
    for label, value, message in cases:
        event = closure(corpus.next_number)
        event["id"] = value
        if message is None:
            corpus.accepted_event(label, event)
        else:
            corpus.rejected_line(label, event, "$.id", message)
    for label, value in (("id-not-a-string", 42), ("id-null", None), ("id-object", {"$ne": ""})):
        event = closure(corpus.next_number)
        event["id"] = value
        corpus.rejected_line(label, event, "$.id", "")
    accepted = [
        ("id-dot-dot-prefix", "..hidden"),
        ("id-dot-prefix", ".hidden"),
        ("id-dots-inside", "a..b"),
        ("id-dash-rf", "-rf"),
        ("id-colon", ":"),
        ("id-outbox-names", "messages"),
        ("id-tmp", "tmp"),
        ("id-lock", "lock"),
        ("id-rejected-ndjson", "rejected.ndjson"),
        ("id-windows-device", "CON"),
        ("id-128", "b" * 128),
    ]
    for label, value in accepted:
        event = closure(corpus.next_number)
        event["id"] = value
        corpus.accepted_event(label, event)


# ---------------------------------------------------------------------------------------------
# 5. Broken JSON and encodings.

def broken_json(corpus):
    corpus.category = "malformed and truncated JSON, NUL bytes"
    valid = dumps(closure(corpus.next_number))
    for cut in (1, 2, 10, 40, 80, 120, 160, 200, 240, len(valid) - 2, len(valid) - 1):
        corpus.rejected_line(f"truncated-at-{cut}", valid[:cut] + b"\n", "$", "invalid JSON")
    plain = [
        ("not-json", b"hello world", "invalid JSON"),
        ("json-array", b"[1,2,3]", "expected a JSON object"),
        ("json-string", b'"evt"', "expected a JSON object"),
        ("json-number", b"42", "expected a JSON object"),
        ("json-null", b"null", "expected a JSON object"),
        ("json-true", b"true", "expected a JSON object"),
        ("empty-object", b"{}", "required field is missing"),
        ("lone-brace", b"}", "invalid JSON"),
        ("mismatched-brackets", b"{]", "invalid JSON"),
        ("trailing-comma", dumps(closure(0))[:-1] + b",}", "invalid JSON"),
        ("single-quotes", b"{'id': 'x'}", "invalid JSON"),
        ("line-comment", b'{"id": "x"} // comment', "invalid JSON"),
        ("nan-literal", b'{"id": NaN}', "invalid JSON"),
        ("unquoted-key", b"{id: 1}", "invalid JSON"),
        ("missing-colon", b'{"id" "x"}', "invalid JSON"),
        ("two-objects-one-line", dumps(closure(0)) + dumps(closure(0)), "after the end"),
        ("invalid-escape", b'{"id": "\\x41"}', "invalid escape"),
        ("short-unicode-escape", b'{"id": "\\u00"}', "invalid JSON"),
        ("number-leading-zero", b'{"id": 012}', "invalid JSON"),
        ("number-huge-exponent", b'{"id": 1e999999999}', "$.id"),
        ("form-feed-before-object", b"\x0c" + dumps(closure(0)), "invalid JSON"),
        ("nbsp-before-object", "\u00a0".encode() + dumps(closure(0)), "invalid JSON"),
        ("raw-nul-between-tokens", dumps(closure(0))[:1] + b"\x00" + dumps(closure(0))[1:], "invalid JSON"),
        ("raw-nul-in-string", dumps(closure(0)).replace(b"Ada", b"A\x00da"), "must be escaped"),
        ("raw-tab-in-string", dumps(closure(0)).replace(b"Ada", b"A\tda"), "must be escaped"),
    ]
    for label, data, message in plain:
        path = "$.id" if label == "number-huge-exponent" else "$"
        corpus.rejected_line(label, data + b"\n", path, "" if path == "$.id" else message)


def invalid_utf8(corpus):
    corpus.category = "invalid UTF-8, UTF-16, surrogates, BOM"
    cases = [
        ("utf8-ff-in-name", b"\xff"),
        ("utf8-overlong-slash", b"\xc0\xaf"),
        ("utf8-overlong-nul", b"\xc0\x80"),
        ("utf8-surrogate", b"\xed\xa0\x80"),
        ("utf8-truncated-sequence", b"\xe2\x82"),
        ("utf8-five-byte", b"\xf8\x88\x80\x80\x80"),
        ("utf8-above-10ffff", b"\xf4\x90\x80\x80"),
        ("utf8-lone-continuation", b"\x80"),
        ("latin1-umlaut", b"J\xfcrgen"),
    ]
    for label, raw in cases:
        event = closure(corpus.next_number)
        event["account"]["name"] = "@@RAW@@"
        data = dumps(event).replace(b"@@RAW@@", raw) + b"\n"
        corpus.rejected_line(label, data, "$", "invalid UTF-8")
    event = closure(corpus.next_number)
    data = dumps(event).replace(b'{"id"', b'{\xff"id"', 1) + b"\n"
    corpus.rejected_line("utf8-invalid-between-tokens", data, "$", "invalid JSON")
    event = closure(corpus.next_number)
    corpus.rejected_line("utf16-le-with-bom", b"\xff\xfe" + json.dumps(event).encode("utf-16-le") + b"\n",
                         "$", "invalid JSON")
    for label, escape in (("lone-high-surrogate-escape", "\\ud800"), ("lone-low-surrogate-escape", "\\udc00"),
                          ("reversed-surrogate-escapes", "\\udc00\\ud800")):
        event = closure(corpus.next_number)
        event["account"]["name"] = "@@RAW@@"
        data = dumps(event).replace(b"@@RAW@@", escape.encode()) + b"\n"
        corpus.rejected_line(label, data, "$", "surrogate")
    event = closure(corpus.next_number)
    corpus.accepted_event("utf8-bom-then-event", event)
    file_name, data, expectations = corpus.cases[-1]
    corpus.cases[-1] = (file_name, b"\xef\xbb\xbf" + data, expectations)
    event = closure(corpus.next_number)
    event["account"]["name"] = "@@RAW@@"
    data = dumps(event).replace(b"@@RAW@@", b"\\ud83d\\ude00 \\u0041da") + b"\n"
    corpus.add("escaped-surrogate-pair-name", data, [{
        "line": 1, "outcome": "accepted", "event_id": event["id"], "email": event["account"]["email"],
        "display_name": "\U0001F600 Ada", "text_contains": [], "html_absent": [], "subject_contains": []}])


# ---------------------------------------------------------------------------------------------
# 6. Lengths at and past every limit.

def lengths(corpus):
    corpus.category = "lengths at and past every limit"
    limits = [
        ("name", closure, ["account", "name"], "$.account.name", 256, "a"),
        ("account-id", closure, ["account", "id"], "$.account.id", 256, "a"),
        ("reference", closure, ["data", "reference"], "$.data.reference", 128, "R"),
        ("category", closed, ["data", "retained", 0, "category"], "$.data.retained[0].category", 200, "c"),
        ("reason", closed, ["data", "retained", 0, "reason"], "$.data.retained[0].reason", 1000, "r"),
    ]
    for label, make, keys, path, limit, letter in limits:
        event = make(corpus.next_number)
        put(event, keys, letter * limit)
        corpus.accepted_event(f"{label}-at-limit-{limit}", event)
        event = make(corpus.next_number)
        put(event, keys, letter * (limit + 1))
        corpus.rejected_line(f"{label}-over-limit-{limit + 1}", event, path, f"at most {limit} characters", event["id"])
    event = closure(corpus.next_number)
    event["account"]["name"] = "a" + "\u0301" * 5000
    corpus.rejected_line("name-one-character-5000-combining-marks", event, "$.account.name", "bytes", event["id"])
    event = closed(corpus.next_number)
    event["data"]["retained"][0]["reason"] = "\u00e9" * 1000
    corpus.accepted_event("reason-1000-non-ascii", event)
    event = closed(corpus.next_number)
    event["data"]["retained"][0]["reason"] = ("w" * 79 + " ") * 12
    corpus.accepted_event("reason-long-words", event)
    event = closure(corpus.next_number)
    event["data"]["cancel_url"] = "https://example.com/" + "a" * (2048 - 20)
    corpus.accepted_event("url-at-limit-2048", event)
    event = closure(corpus.next_number)
    event["data"]["cancel_url"] = "https://example.com/" + "a" * (2049 - 20)
    corpus.rejected_line("url-over-limit-2049", event, "$.data.cancel_url", "2048", event["id"])
    event = closure(corpus.next_number)
    event["account"]["locale"] = "en-" + "-".join(["abcdefgh"] * 8)[:62]
    corpus.rejected_line("locale-over-limit", event, "$.account.locale", "64", event["id"])
    event = closed(corpus.next_number)
    event["data"]["retained"] = [{"category": f"c{i}", "reason": "r", "retain_until": "2036-12-31"} for i in range(200)]
    corpus.accepted_event("retained-200-entries", event)
    event = closed(corpus.next_number)
    event["data"]["retained"] = [{"category": "", "reason": "", "retain_until": "never"}] * 100
    corpus.rejected_line("retained-100-broken-entries", event, "$.data.retained[0].category", "non-empty", event["id"])
    event = closure(corpus.next_number)
    event["x_padding"] = "p" * 100_000
    corpus.accepted_event("unknown-field-100k", event)


# ---------------------------------------------------------------------------------------------
# 7. Nesting, duplicate keys, types and values.

def structure(corpus):
    corpus.category = "nesting, duplicate keys, amounts, types, timestamps, locales, URLs"
    for depth, outcome in ((30, "accepted"), (33, "rejected"), (5000, "rejected")):
        event = closure(corpus.next_number)
        event["x_nested"] = "@@NEST@@"
        data = dumps(event).replace(b'"@@NEST@@"', b"[" * depth + b"]" * depth) + b"\n"
        if outcome == "accepted":
            corpus.add(f"nested-{depth}-in-unknown-field", data, [{
                "line": 1, "outcome": "accepted", "event_id": event["id"], "email": event["account"]["email"],
                "display_name": "Ada Lovelace", "text_contains": [], "html_absent": [], "subject_contains": []}])
        else:
            corpus.rejected_line(f"nested-{depth}-in-unknown-field", data, "$", "nested deeper")
    corpus.rejected_line("nested-objects-20000-open", b'{"a":' * 20000 + b"\n", "$", "nested deeper")

    def with_raw(event, old, new):
        return dumps(event).replace(old, new, 1) + b"\n"

    event = closure(corpus.next_number)
    corpus.rejected_line("duplicate-key-id", with_raw(event, b'{"id":', b'{"id":"evil","id":'), "$", "more than once")
    event = closure(corpus.next_number)
    corpus.rejected_line("duplicate-key-email",
                         with_raw(event, b'"email":', b'"email":"evil@example.com","email":'), "$.account", "more than once")
    event = closure(corpus.next_number)
    corpus.rejected_line("duplicate-key-account",
                         with_raw(event, b'"account":', b'"account":{"email":"evil@example.com"},"account":'), "$", "more than once")
    event = closure(corpus.next_number)
    corpus.rejected_line("duplicate-key-escaped-spelling",
                         with_raw(event, b'"email":', b'"email":"evil@example.com","em\\u0061il":'), "$.account", "more than once")

    amounts = [
        ("amount-json-number", 1250.75, "found a number"),
        ("amount-json-integer", 1250, "found a number"),
        ("amount-exponent-number", "@@1e3@@", "found a number"),
        ("amount-exponent-string", "1e3", "exponent"),
        ("amount-negative", "-5.00", "sign"),
        ("amount-plus", "+5", "sign"),
        ("amount-grouping", "1,250.75", "grouping"),
        ("amount-hex", "0x10", "decimal amount"),
        ("amount-nan", "NaN", "decimal amount"),
        ("amount-infinity", "Infinity", "decimal amount"),
        ("amount-three-decimals-eur", "1250.755", "at most 2 decimals"),
        ("amount-leading-zero", "012", "leading zeros"),
        ("amount-leading-space", " 12", "decimal amount"),
        ("amount-arabic-digits", "\u0661\u0662\u0663", "decimal amount"),
        ("amount-trailing-dot", "12.", "decimal amount"),
        ("amount-leading-dot", ".5", "decimal amount"),
        ("amount-33-digits", "1" * 33, "at most 32"),
        ("amount-null", None, "required field is null"),
        ("amount-object", {"value": "1"}, "found"),
        ("amount-empty", "", "empty"),
    ]
    for label, amount, message in amounts:
        event = balance(corpus.next_number)
        event["data"]["balance"]["amount"] = amount
        data = dumps(event).replace(b'"@@1e3@@"', b"1e3") + b"\n"
        corpus.rejected_line(label, data, "$.data.balance.amount", message, event["id"])
    event = balance(corpus.next_number)
    event["data"]["balance"] = {"amount": "100.5", "currency": "JPY"}
    corpus.rejected_line("amount-decimals-jpy", event, "$.data.balance.amount", "no decimals", event["id"])
    for label, amount, currency in (("amount-zero", "0.00", "EUR"), ("amount-32-digits", "9" * 29 + ".99", "EUR"),
                                    ("amount-jpy-integer", "1250", "JPY"), ("amount-kwd-three-decimals", "1.125", "KWD")):
        event = balance(corpus.next_number)
        event["data"]["balance"] = {"amount": amount, "currency": currency}
        corpus.accepted_event(label, event)
    for label, currency, message in (("currency-lower", "eur", "upper-case"), ("currency-unknown", "XYZ", "active"),
                                     ("currency-html", "<b>", "three letters"), ("currency-number", 978, "found")):
        event = balance(corpus.next_number)
        event["data"]["balance"]["currency"] = currency
        corpus.rejected_line(label, event, "$.data.balance.currency", message, event["id"])

    types = [("type-missing", "@@DEL@@"), ("type-null", None), ("type-number", 1), ("type-upper", "ACCOUNT.CLOSED"),
             ("type-trailing-space", "account.closed "), ("type-unknown", "account.deleted"), ("type-array", ["account.closed"])]
    for label, value in types:
        event = closure(corpus.next_number)
        if value == "@@DEL@@":
            del event["type"]
        else:
            event["type"] = value
        corpus.rejected_line(label, event, "$.type", "", event["id"])

    # Accepted times lie far ahead: effective_at is the closure confirmation's deadline, and a
    # message past it is stored expired instead of sent.
    times = [
        ("time-feb-30", "2026-02-30T00:00:00Z", False), ("time-month-13", "2026-13-01T00:00:00Z", False),
        ("time-hour-24", "2026-11-28T24:00:00Z", False), ("time-no-offset", "2026-11-28T09:15:00", False),
        ("time-offset-25h", "2026-11-28T09:15:00+25:00", False), ("time-date-only", "2026-11-28", False),
        ("time-number", 1764321300, False), ("time-year-0000", "0000-01-01T00:00:00Z", None),
        ("time-space-separator", "2099-11-28 09:15:00Z", None), ("time-nanoseconds", "2099-11-28T09:15:00.123456789Z", True),
        ("time-offset", "2099-11-28T09:15:00+05:30", True), ("time-lowercase", "2099-11-28t09:15:00z", None),
        ("time-feb-29-leap-year", "2028-02-29T00:00:00Z", True), ("time-feb-29-common-year", "2027-02-29T00:00:00Z", False),
        ("time-far-future", "9999-12-31T23:59:59Z", True), ("time-1000-fraction-digits", "2026-11-28T09:15:00." + "1" * 1000 + "Z", None),
    ]
    for label, value, accepted in times:
        event = closure(corpus.next_number)
        event["data"]["effective_at"] = value
        if accepted:
            corpus.accepted_event(label, event)
        elif accepted is False:
            corpus.rejected_line(label, event, "$.data.effective_at", "", event["id"])
        else:
            # The contract leaves these to the implementation; either outcome is fine, a
            # crash is not. Recorded as "either".
            corpus.add(label, dumps(event) + b"\n", [{"line": 1, "outcome": "either", "event_id": event["id"],
                                                      "email": event["account"]["email"], "display_name": "Ada Lovelace",
                                                      "path": "$.data.effective_at", "message": "",
                                                      "text_contains": [], "html_absent": [], "subject_contains": []}])
    event = closed(corpus.next_number)
    event["data"]["retained"][0]["retain_until"] = "2036-12-31"
    corpus.accepted_event("retain-until-date-only", event)

    locales = [("locale-posix", "de_DE", False), ("locale-traversal", "../../etc/passwd", False),
               ("locale-grandfathered", "i-klingon", False), ("locale-empty", "", False),
               ("locale-fallback-fr", "fr", True), ("locale-de-at", "de-AT", True), ("locale-private-use", "x-evil", True),
               ("locale-upper", "EN", True), ("locale-script-region", "zh-Hant-TW", True)]
    for label, value, ok in locales:
        event = closure(corpus.next_number)
        event["account"]["locale"] = value
        if ok:
            corpus.accepted_event(label, event)
        else:
            corpus.rejected_line(label, event, "$.account.locale", "", event["id"])

    urls = [("url-javascript", "javascript:alert(1)"), ("url-http", "http://example.com/"),
            ("url-userinfo", "https://bank.example@evil.example/"), ("url-data", "data:text/html,<script>x</script>"),
            ("url-quote-break-out", 'https://example.com/"><script>x</script>'), ("url-space", "https://example.com/a b"),
            ("url-unicode-host", "https://ex\u0430mple.com/"), ("url-bad-percent", "https://example.com/%zz"),
            ("url-empty-host", "https:///path"), ("url-backslash", "https://example.com\\@evil.example/")]
    for label, value in urls:
        event = closure(corpus.next_number)
        event["data"]["cancel_url"] = value
        corpus.rejected_line(label, event, "$.data.cancel_url", "", event["id"])
    for label, value in (("url-ip-literal", "https://192.0.2.1:8443/x?y=1#z"), ("url-ipv6", "https://[2001:db8::1]/"),
                         ("url-upper-scheme", "HTTPS://EXAMPLE.COM/A"), ("url-percent-utf8", "https://example.com/%C3%BC")):
        event = closure(corpus.next_number)
        event["data"]["cancel_url"] = value
        corpus.accepted_event(label, event)

    for label, value, ok in (("retained-empty", [], False), ("retained-object", {"category": "x"}, False),
                             ("retained-string", "all", False), ("retained-null-entry", [None], False)):
        event = closed(corpus.next_number)
        event["data"]["retained"] = value
        corpus.rejected_line(label, event, "$.data.retained", "", event["id"])
    for label, key in (("data-missing", "data"), ("account-missing", "account")):
        event = closure(corpus.next_number)
        del event[key]
        corpus.rejected_line(label, event, f"$.{key}", "required field is missing", event["id"])
    event = closure(corpus.next_number)
    event["account"]["name"] = None
    corpus.accepted_event("name-null-means-absent", event, display_name="")
    event = closure(corpus.next_number)
    event["account"]["name"] = ""
    corpus.accepted_event("name-empty-means-absent", event, display_name="")


# ---------------------------------------------------------------------------------------------
# 8. Several lines in one file: line numbers, line endings, recovery, duplicates.

def multi_line(corpus):
    corpus.category = "several lines per file: recovery, CRLF, CR only, blank lines, duplicate ids"
    n = corpus.next_number
    first, third = closure(n), closure(n)
    first["id"], third["id"] = f"h{n:03d}a", f"h{n:03d}c"
    third["account"]["email"] = f"r{n:03d}c@example.com"
    data = dumps(first) + b"\n" + b'{"id": "broken", "type": \n' + dumps(third) + b"\n"
    corpus.add("valid-broken-valid", data, [
        {"line": 1, "outcome": "accepted", "event_id": first["id"], "email": first["account"]["email"],
         "display_name": "Ada Lovelace", "text_contains": [], "html_absent": [], "subject_contains": []},
        {"line": 2, "outcome": "rejected", "path": "$", "message": "invalid JSON"},
        {"line": 3, "outcome": "accepted", "event_id": third["id"], "email": third["account"]["email"],
         "display_name": "Ada Lovelace", "text_contains": [], "html_absent": [], "subject_contains": []}])
    n = corpus.next_number
    event = closure(n)
    event["account"]["name"] = "@@RAW@@"
    halves = dumps(event).split(b"@@RAW@@")
    data = halves[0] + b"x\nBcc: evil@example.com" + halves[1] + b"\n"
    corpus.add("raw-lf-in-name-splits-line", data, [
        {"line": 1, "outcome": "rejected", "path": "$", "message": "not closed"},
        {"line": 2, "outcome": "rejected", "path": "$", "message": "invalid JSON"}])
    n = corpus.next_number
    a, b = closure(n), closure(n)
    a["id"], b["id"] = f"h{n:03d}a", f"h{n:03d}b"
    b["account"]["email"] = f"r{n:03d}b@example.com"
    data = dumps(a) + b"\r\n" + b"\r\n" + b"   \t  \r\n" + dumps(b) + b"\r\n"
    corpus.add("crlf-line-endings-and-blank-lines", data, [
        {"line": 1, "outcome": "accepted", "event_id": a["id"], "email": a["account"]["email"],
         "display_name": "Ada Lovelace", "text_contains": [], "html_absent": [], "subject_contains": []},
        {"line": 4, "outcome": "accepted", "event_id": b["id"], "email": b["account"]["email"],
         "display_name": "Ada Lovelace", "text_contains": [], "html_absent": [], "subject_contains": []}])
    n = corpus.next_number
    a, b = closure(n), closure(n)
    b["account"]["email"] = "evil@example.com"
    data = dumps(a) + b"\n" + dumps(b) + b"\n"
    corpus.add("duplicate-id-second-recipient", data, [
        {"line": 1, "outcome": "accepted", "event_id": a["id"], "email": a["account"]["email"],
         "display_name": "Ada Lovelace", "text_contains": [], "html_absent": [], "subject_contains": []},
        {"line": 2, "outcome": "duplicate", "event_id": a["id"]}])
    n = corpus.next_number
    a, b = closure(n), closure(n)
    b["id"] = f"h{n:03d}b"
    data = dumps(a) + b"\r" + dumps(b) + b"\r"
    corpus.add("cr-only-line-endings", data, [{"line": 1, "outcome": "rejected", "path": "$", "message": "invalid JSON"}])
    n = corpus.next_number
    event = closure(n)
    data = b"  \t " + dumps(event) + b" \t  \n"
    corpus.add("surrounding-whitespace", data, [
        {"line": 1, "outcome": "accepted", "event_id": event["id"], "email": event["account"]["email"],
         "display_name": "Ada Lovelace", "text_contains": [], "html_absent": [], "subject_contains": []}])
    n = corpus.next_number
    event = closure(n)
    corpus.add("no-final-newline", dumps(event), [
        {"line": 1, "outcome": "accepted", "event_id": event["id"], "email": event["account"]["email"],
         "display_name": "Ada Lovelace", "text_contains": [], "html_absent": [], "subject_contains": []}])


def build_corpus():
    corpus = Corpus()
    injections_in_every_field(corpus)
    encoded_crlf_in_every_field(corpus)
    html_in_every_field(corpus)
    unicode_separators(corpus)
    lookalikes(corpus)
    addresses(corpus)
    ids(corpus)
    broken_json(corpus)
    invalid_utf8(corpus)
    lengths(corpus)
    structure(corpus)
    multi_line(corpus)
    return corpus


# ---------------------------------------------------------------------------------------------
# Big cases, generated at test time.

def runtime_cases(directory):
    """Cases too big to commit. Returns the manifest."""
    corpus = Corpus()
    base = 900
    mib = 1 << 20
    event = closure(base + 1)
    event["account"]["name"] = "A" * (10 * mib)
    corpus.rejected_line("name-10-mib", event, "$", "bytes long")
    event = closure(base + 2)
    event["x_padding"] = " " * (10 * mib)
    corpus.rejected_line("event-10-mib-padding", event, "$", "bytes long")
    event = closure(base + 3)
    line = dumps(event)
    event["x_padding"] = "p" * (mib - len(line) - len(',"x_padding":""'))
    data = dumps(event)
    assert len(data) == mib, len(data)
    corpus.accepted_event("event-exactly-1-mib", event)
    event["x_padding"] += "p"
    corpus.rejected_line("event-1-mib-plus-1", event, "$", "bytes long")
    corpus.rejected_line("ten-mib-of-open-brackets", b"[" * (10 * mib) + b"\n", "$", "bytes long")
    corpus.rejected_line("nested-100k-under-limit", b"[" * 100_000 + b"\n", "$", "nested deeper")
    event = closed(base + 7)
    event["data"]["retained"] = [{"category": f"Category {i} <b>&</b>", "reason": "r" * 40, "retain_until": "2036-12-31"}
                                 for i in range(8000)]
    corpus.accepted_event("retained-8000-entries", event, html_absent=["<b>&</b>"])
    event = closed(base + 8)
    event["data"]["retained"] = [{"category": "", "reason": "", "retain_until": ""} for _ in range(12000)]
    corpus.rejected_line("retained-12000-broken-entries", event, "$.data.retained[0].category", "non-empty", event["id"])
    event = closure(base + 9)
    event["x_many_keys"] = {f"k{i}": i for i in range(60000)}
    corpus.accepted_event("unknown-object-60000-keys", event)
    os.makedirs(directory, exist_ok=True)
    manifest = write(corpus, directory, prefix="big-")
    return manifest


def million_line_stdin(path):
    """1,000,000 lines: mostly blank or garbage, some valid. Returns the expected counts."""
    garbage = [b"{", b"null", b"not json", b'{"id":"x"}', b"\xff\xfe", b"[]", b'{"id":1}', b"}"]
    valid, invalid = 0, 0
    with open(path, "wb") as out:
        for number in range(1, 1_000_001):
            if number % 10_000 == 0:
                event = closure(0)
                event["id"] = f"stdin-{number}"
                event["account"]["email"] = f"s{number}@example.com"
                out.write(dumps(event) + b"\n")
                valid += 1
            elif number % 100 == 0:
                out.write(garbage[(number // 100) % len(garbage)] + b"\n")
                invalid += 1
            elif number % 3 == 0:
                out.write(b"   \t\n")
            else:
                out.write(b"\n")
    return {"lines": 1_000_000, "valid": valid, "invalid": invalid}


def write(corpus, directory, prefix=""):
    manifest = {}
    for file_name, data, expectations in corpus.cases:
        name = prefix + file_name
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(data)
        manifest[name] = expectations
    with open(os.path.join(directory, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True, ensure_ascii=True)
        handle.write("\n")
    return manifest


def main(arguments):
    if arguments[:1] == ["--summary"]:
        corpus = build_corpus()
        rows = {}
        for (file_name, data, expectations), category in zip(corpus.cases, corpus.categories):
            row = rows.setdefault(category, [0, 0, 0, 0])
            row[0] += 1
            for expectation in expectations:
                index = {"accepted": 1, "rejected": 2}.get(expectation["outcome"], 3)
                row[index] += 1
        print("| cases of | files | lines accepted | lines rejected | other (duplicate, either) |")
        print("|---|---:|---:|---:|---:|")
        for category, (files, accepted, rejected, other) in rows.items():
            print(f"| {category} | {files} | {accepted} | {rejected} | {other} |")
        total = [sum(row[i] for row in rows.values()) for i in range(4)]
        print(f"| **total** | **{total[0]}** | **{total[1]}** | **{total[2]}** | **{total[3]}** |")
        return 0
    if arguments[:1] == ["--million"]:
        counts = million_line_stdin(arguments[1])
        print(json.dumps(counts))
        return 0
    if arguments[:1] == ["--runtime"]:
        directory = arguments[1]
        runtime_cases(directory)
        return 0
    directory = os.path.join(HERE, "corpus")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    with open(os.path.join(directory, ".gitattributes"), "w") as handle:
        handle.write("# Hostile inputs hold CR, NUL and invalid UTF-8 on purpose: keep every byte.\n* -text -diff\n")
    manifest = write(build_corpus(), directory)
    print(f"{len(manifest)} cases in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
