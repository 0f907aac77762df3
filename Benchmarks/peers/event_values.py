"""What the Python peers make of an event: the template, the locale and the values it is rendered with.

Shared by python_peer.py and post_office_peer.py, so both render the same words from the same event
(the formats follow Mailroom's: dates, amounts and times as its templates show them).
"""
import datetime

TEMPLATE_FOR = {
    "account.closure_requested": "closure-confirmation",
    "account.balance_outstanding": "withdrawal-reminder",
    "account.closed": "retention-notice",
}

MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember"]


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text \
        else datetime.datetime.fromisoformat(text + "T00:00:00+00:00")


def fmt_date(value, lang):
    t = parse_time(value)
    if lang == "de":
        return f"{t.day}. {MONTHS_DE[t.month - 1]} {t.year}"
    return t.strftime("%B %-d, %Y")


def fmt_datetime(value, lang):
    t = parse_time(value)
    return f"{fmt_date(value, lang)}, {t.strftime('%H:%M')} UTC"


def fmt_amount(balance, lang):
    units, _, cents = balance["amount"].partition(".")
    grouped = f"{int(units):,}"
    if lang == "de":
        grouped = grouped.replace(",", ".")
        return f"{grouped}{',' + cents if cents else ''} {balance['currency']}"
    return f"{balance['currency']} {grouped}{'.' + cents if cents else ''}"


def values(event, lang):
    acc, data = event["account"], event["data"]
    v = {"company": "Example", "name": acc.get("name"), "email": acc["email"], "locale": lang,
         "occurred_date": fmt_date(event["occurred_at"], lang)}
    for key, value in data.items():
        if key.endswith("_at") or key.endswith("_by"):
            stem = key[:-3] if key.endswith("_at") else key
            v[stem + "_date"] = fmt_date(value, lang)
            v[stem + "_datetime"] = fmt_datetime(value, lang)
        elif key == "balance":
            v["amount"] = fmt_amount(value, lang)
        elif key == "retained":
            v["retained"] = [dict(r, retain_until_date=fmt_date(r["retain_until"], lang)) for r in value]
        else:
            v[key] = value
    for optional in ("support_url", "cancel_url", "withdraw_url", "privacy_contact"):
        v.setdefault(optional, None)
    return v


def language(event):
    return "de" if event["account"].get("locale", "en").startswith("de") else "en"
