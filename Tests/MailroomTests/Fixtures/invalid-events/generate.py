#!/usr/bin/python3
"""Regenerates the invalid-event corpus in this folder: NN-name.jsonl (one line each, some of them
deliberately not UTF-8 or not JSON) and expectations.json (file -> exact problem paths, a message
substring, and the eventID the error must carry or null).

Run with Debian's /usr/bin/python3 from anywhere; it rewrites only this folder. Review the diff:
the expectations are the specification, not a recording of what the decoder happens to say.
"""
import json, copy, os, collections
out = os.path.dirname(os.path.abspath(__file__))
for f in os.listdir(out):
    if f.endswith('.jsonl'): os.remove(os.path.join(out, f))

CLOSURE = {"id":"evt_01HZX3K9","type":"account.closure_requested","occurred_at":"2026-11-28T09:15:00Z",
 "account":{"id":"acc_123","email":"ada@example.com","name":"Ada Lovelace","locale":"en"},
 "data":{"reference":"CLS-2026-0042","effective_at":"2026-12-12T00:00:00Z",
         "cancel_url":"https://example.com/account/closure/CLS-2026-0042/cancel"}}
BALANCE = {"id":"evt_02BAL","type":"account.balance_outstanding","occurred_at":"2026-11-28T09:15:00Z",
 "account":{"id":"acc_123","email":"ada@example.com","name":"Ada Lovelace","locale":"de-DE"},
 "data":{"balance":{"amount":"1250.75","currency":"EUR"},"withdraw_by":"2026-12-10T23:59:59+01:00",
         "withdraw_url":"https://example.com/withdraw"}}
CLOSED = {"id":"evt_03CLS","type":"account.closed","occurred_at":"2026-12-12T00:00:05Z",
 "account":{"id":"acc_123","email":"ada@example.com"},
 "data":{"closed_at":"2026-12-12T00:00:00Z","retained":[
    {"category":"invoices","reason":"tax law","retain_until":"2033-12-31"},
    {"category":"support tickets","reason":"legal claims","retain_until":"2028-12-12T00:00:00Z"}],
    "privacy_contact":"privacy@example.com"}}

expectations = collections.OrderedDict()
n = [0]
def emit(name, content, paths, message, event_id):
    n[0] += 1
    fname = "%02d-%s.jsonl" % (n[0], name)
    data = content if isinstance(content, bytes) else (json.dumps(content, ensure_ascii=False) if not isinstance(content, str) else content).encode('utf-8')
    with open(os.path.join(out, fname), 'wb') as f:
        f.write(data + b"\n")
    expectations[fname] = {"paths": paths, "message": message, "eventID": event_id}

def mut(base, fn):
    e = copy.deepcopy(base); fn(e); return e
def setp(base, path, value):
    def fn(e):
        cur = e
        for k in path[:-1]: cur = cur[k]
        cur[path[-1]] = value
    return mut(base, fn)
def delp(base, path):
    def fn(e):
        cur = e
        for k in path[:-1]: cur = cur[k]
        del cur[path[-1]]
    return mut(base, fn)

C, B, D = CLOSURE, BALANCE, CLOSED
emit("id-path-traversal", setp(C, ["id"], "../../etc/passwd"), ["$.id"], "A-Z a-z 0-9", None)
emit("id-missing", delp(C, ["id"]), ["$.id"], "required field is missing", None)
emit("id-too-long", setp(C, ["id"], "e"*129), ["$.id"], "at most 128", None)
emit("id-number", setp(C, ["id"], 42), ["$.id"], "found a number", None)
emit("id-dots-only", setp(C, ["id"], ".."), ["$.id"], "dots only", None)
emit("id-with-space", setp(C, ["id"], "evt 1"), ["$.id"], "U+0020", None)
emit("type-unknown", setp(C, ["type"], "account.deleted"), ["$.type"], "unknown type \"account.deleted\"", "evt_01HZX3K9")
emit("type-missing", delp(C, ["type"]), ["$.type"], "required field is missing", "evt_01HZX3K9")
emit("occurred-at-feb-30", setp(C, ["occurred_at"], "2026-02-30T10:00:00Z"), ["$.occurred_at"], "not a calendar date", "evt_01HZX3K9")
emit("occurred-at-feb-29-non-leap", setp(C, ["occurred_at"], "2026-02-29T10:00:00Z"), ["$.occurred_at"], "February 2026 has 28 days", "evt_01HZX3K9")
emit("occurred-at-no-offset", setp(C, ["occurred_at"], "2026-11-28T09:15:00"), ["$.occurred_at"], "offset (Z or +hh:mm) is missing", "evt_01HZX3K9")
emit("occurred-at-space-separator", setp(C, ["occurred_at"], "2026-11-28 09:15:00Z"), ["$.occurred_at"], "found a space", "evt_01HZX3K9")
emit("occurred-at-hour-24", setp(C, ["occurred_at"], "2026-11-28T24:00:00Z"), ["$.occurred_at"], "out of range", "evt_01HZX3K9")
emit("occurred-at-date-only", setp(C, ["occurred_at"], "2026-11-28"), ["$.occurred_at"], "found only a date", "evt_01HZX3K9")
emit("occurred-at-unix-number", setp(C, ["occurred_at"], 1764321300), ["$.occurred_at"], "found a number", "evt_01HZX3K9")
emit("occurred-at-month-13", setp(C, ["occurred_at"], "2026-13-01T00:00:00Z"), ["$.occurred_at"], "month 13", "evt_01HZX3K9")
emit("occurred-at-bad-leap-second", setp(C, ["occurred_at"], "2026-06-30T12:00:60Z"), ["$.occurred_at"], "leap second", "evt_01HZX3K9")
emit("occurred-at-offset-out-of-range", setp(C, ["occurred_at"], "2026-11-28T09:15:00+24:00"), ["$.occurred_at"], "offset is out of range", "evt_01HZX3K9")
emit("account-missing", delp(C, ["account"]), ["$.account"], "required field is missing", "evt_01HZX3K9")
emit("account-email-no-domain", setp(C, ["account","email"], "ada@"), ["$.account.email"], "domain after @ is empty", "evt_01HZX3K9")
emit("account-email-unicode-domain", setp(C, ["account","email"], "ada@exämple.com"), ["$.account.email"], "A-labels", "evt_01HZX3K9")
emit("account-id-empty", setp(C, ["account","id"], ""), ["$.account.id"], "non-empty", "evt_01HZX3K9")
emit("name-crlf-escaped", setp(C, ["account","name"], "Ada\r\nBcc: victim@example.net"), ["$.account.name"], "U+000D (carriage return)", "evt_01HZX3K9")
emit("name-lf-escaped", setp(C, ["account","name"], "Ada\nLovelace"), ["$.account.name"], "U+000A (line feed)", "evt_01HZX3K9")
emit("name-nul-escaped", setp(C, ["account","name"], "Ada\u0000"), ["$.account.name"], "NUL", "evt_01HZX3K9")
emit("name-line-separator", setp(C, ["account","name"], "Ada\u2028Lovelace"), ["$.account.name"], "U+2028 (line separator)", "evt_01HZX3K9")
emit("name-paragraph-separator", setp(C, ["account","name"], "Ada\u2029"), ["$.account.name"], "U+2029", "evt_01HZX3K9")
emit("name-tab", setp(C, ["account","name"], "Ada\tLovelace"), ["$.account.name"], "U+0009 (tab)", "evt_01HZX3K9")
emit("name-c1-next-line", setp(C, ["account","name"], "Ada\u0085Lovelace"), ["$.account.name"], "U+0085", "evt_01HZX3K9")
emit("name-delete", setp(C, ["account","name"], "Ada\u007f"), ["$.account.name"], "U+007F", "evt_01HZX3K9")
emit("name-257-characters", setp(C, ["account","name"], "é"*257), ["$.account.name"], "at most 256 characters", "evt_01HZX3K9")
emit("name-number", setp(C, ["account","name"], 7), ["$.account.name"], "expected a string, found a number", "evt_01HZX3K9")
# raw CR inside a JSON string: not even valid JSON
raw = json.dumps(C).replace("Ada Lovelace", "Ada\rLovelace").encode()
emit("name-raw-cr-unescaped", raw, ["$.account.name"], "must be escaped", None)
emit("locale-underscore", setp(C, ["account","locale"], "de_DE"), ["$.account.locale"], "not de_DE", "evt_01HZX3K9")
emit("locale-garbage", setp(C, ["account","locale"], "english please"), ["$.account.locale"], "BCP 47", "evt_01HZX3K9")
emit("data-missing", delp(C, ["data"]), ["$.data"], "required field is missing", "evt_01HZX3K9")
emit("data-array", setp(C, ["data"], []), ["$.data"], "expected an object, found an array", "evt_01HZX3K9")
emit("reference-missing", delp(C, ["data","reference"]), ["$.data.reference"], "required field is missing", "evt_01HZX3K9")
emit("reference-null", setp(C, ["data","reference"], None), ["$.data.reference"], "required field is null", "evt_01HZX3K9")
emit("reference-too-long", setp(C, ["data","reference"], "R"*129), ["$.data.reference"], "at most 128 characters", "evt_01HZX3K9")
emit("cancel-url-http", setp(C, ["data","cancel_url"], "http://example.com/cancel"), ["$.data.cancel_url"], "expected an https URL", "evt_01HZX3K9")
emit("cancel-url-javascript", setp(C, ["data","cancel_url"], "javascript:alert(1)"), ["$.data.cancel_url"], "https://host", "evt_01HZX3K9")
emit("cancel-url-userinfo", setp(C, ["data","cancel_url"], "https://example.com@evil.example/cancel"), ["$.data.cancel_url"], "user information", "evt_01HZX3K9")
emit("support-url-space", setp(C, ["data","support_url"], "https://example.com/help me"), ["$.data.support_url"], "without spaces", "evt_01HZX3K9")
emit("cancel-url-no-host", setp(C, ["data","cancel_url"], "https:///cancel"), ["$.data.cancel_url"], "host name", "evt_01HZX3K9")
emit("amount-json-number", setp(B, ["data","balance","amount"], 1250.75), ["$.data.balance.amount"], "JSON string", "evt_02BAL")
emit("amount-too-many-decimals", setp(B, ["data","balance","amount"], "12.345"), ["$.data.balance.amount"], "EUR has at most 2 decimals, found 3", "evt_02BAL")
emit("amount-jpy-with-decimals", setp(setp(B, ["data","balance","amount"], "100.5"), ["data","balance","currency"], "JPY"), ["$.data.balance.amount"], "JPY has no decimals", "evt_02BAL")
emit("amount-kwd-four-decimals", setp(setp(B, ["data","balance","amount"], "1.2345"), ["data","balance","currency"], "KWD"), ["$.data.balance.amount"], "KWD has at most 3 decimals", "evt_02BAL")
emit("amount-negative", setp(B, ["data","balance","amount"], "-5.00"), ["$.data.balance.amount"], "without a sign", "evt_02BAL")
emit("amount-exponent", setp(B, ["data","balance","amount"], "1e3"), ["$.data.balance.amount"], "exponent", "evt_02BAL")
emit("amount-grouping", setp(B, ["data","balance","amount"], "1,250.75"), ["$.data.balance.amount"], "no grouping", "evt_02BAL")
emit("amount-leading-zero", setp(B, ["data","balance","amount"], "007.50"), ["$.data.balance.amount"], "leading zeros", "evt_02BAL")
emit("currency-lowercase", setp(B, ["data","balance","currency"], "eur"), ["$.data.balance.currency"], "upper-case", "evt_02BAL")
emit("currency-unknown", setp(B, ["data","balance","currency"], "XYZ"), ["$.data.balance.currency"], "active ISO 4217", "evt_02BAL")
emit("currency-withdrawn-hrk", setp(B, ["data","balance","currency"], "HRK"), ["$.data.balance.currency"], "active ISO 4217", "evt_02BAL")
emit("withdraw-by-missing", delp(B, ["data","withdraw_by"]), ["$.data.withdraw_by"], "required field is missing", "evt_02BAL")
emit("retained-empty", setp(D, ["data","retained"], []), ["$.data.retained"], "found an empty list", "evt_03CLS")
emit("retained-object", setp(D, ["data","retained"], {"category":"x"}), ["$.data.retained"], "found an object", "evt_03CLS")
emit("retained-entry-problems", setp(D, ["data","retained"], [D["data"]["retained"][0], {"category":"", "reason":"audit", "retain_until":"2033-02-30"}, "invoices"]),
     ["$.data.retained[1].category", "$.data.retained[1].retain_until", "$.data.retained[2]"], "not a calendar date", "evt_03CLS")
emit("retained-reason-missing", setp(D, ["data","retained"], [{"category":"invoices","retain_until":"2033-12-31"}]), ["$.data.retained[0].reason"], "required field is missing", "evt_03CLS")
emit("privacy-contact-invalid", setp(D, ["data","privacy_contact"], "privacy at example.com"), ["$.data.privacy_contact"], "no @", "evt_03CLS")
emit("top-level-array", [CLOSURE], ["$"], "expected a JSON object", None)
emit("top-level-string", "\"hello\"", ["$"], "found a string", None)
full = json.dumps(C).encode()
emit("truncated-json", full[:len(full)//2], ["$.account.name"], "truncated", None)
emit("truncated-in-string", full[:40], ["$.type"], "not closed", None)
emit("invalid-utf8-in-name", json.dumps(C).replace("Ada Lovelace", "Ada XX").encode().replace(b"XX", b"\xc3\x28"), ["$.account.name"], "invalid UTF-8", None)
emit("invalid-utf8-overlong-slash", json.dumps(C).replace("Ada Lovelace", "Ada XX").encode().replace(b"XX", b"\xc0\xaf"), ["$.account.name"], "invalid UTF-8", None)
emit("invalid-utf8-encoded-surrogate", json.dumps(C).replace("Ada Lovelace", "XX").encode().replace(b"XX", b"\xed\xa0\x80"), ["$.account.name"], "invalid UTF-8", None)
emit("invalid-utf8-outside-string", b"\xff" + json.dumps(C).encode(), ["$"], "byte 0xFF", None)
emit("lone-surrogate-escape", json.dumps(C).replace("Ada Lovelace", "Ada \\ud800"), ["$.account.name"], "unpaired surrogate", None)
emit("duplicate-key", json.dumps(C).replace('"email": "ada@example.com"', '"email": "ada@example.com", "email": "mallory@example.net"'), ["$.account.email"], "more than once", None)
bomb = '{"id": "evt_bomb", "x": ' + "[" * 5000 + "]" * 5000 + "}"
emit("depth-bomb", bomb, ["$.x" + "[0]" * 31], "nested deeper than 32", None)
raw_tab = json.dumps(C).replace("Ada Lovelace", "Ada\tLovelace")
emit("raw-tab-in-string", raw_tab, ["$.account.name"], "U+0009 (tab)", None)
emit("trailing-garbage", json.dumps(C) + " x", ["$"], "after the end of the JSON value", None)
emit("trailing-comma", json.dumps(C)[:-1] + ",}", ["$"], "expected a quoted key", None)
emit("nan-literal", json.dumps(C).replace('"1250.75"', 'NaN').replace('"evt_01HZX3K9"', 'NaN'), ["$.id"], "expected a JSON value", None)
emit("single-quotes", "{'id': 'evt_1'}", ["$"], "expected a quoted key", None)
emit("empty-object", {}, ["$.id", "$.type", "$.occurred_at", "$.account"], "required field is missing", None)
emit("unknown-type-common-fields-checked", setp(setp(C, ["type"], "account.reopened"), ["account","email"], "not-an-address"),
     ["$.type", "$.account.email"], "no @", "evt_01HZX3K9")
multi = copy.deepcopy(B)
multi["occurred_at"] = "2026-02-30T00:00:00Z"
multi["account"]["email"] = "ada@@example.com"
multi["account"]["name"] = "Ada\r\n"
multi["data"]["balance"]["amount"] = 12.5
multi["data"]["withdraw_url"] = "ftp://example.com"
emit("many-problems-at-once", multi, ["$.occurred_at", "$.account.email", "$.account.name", "$.data.balance.amount", "$.data.withdraw_url"], "JSON string", "evt_02BAL")

with open(os.path.join(out, "expectations.json"), "w") as f:
    json.dump(expectations, f, indent=2, ensure_ascii=True)
    f.write("\n")
print(n[0], "fixtures")
