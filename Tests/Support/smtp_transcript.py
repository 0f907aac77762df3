#!/usr/bin/python3
"""Reads the log of scripted_smtp_server.py and says what the client did, transaction by transaction.

Usage: smtp_transcript.py LOG.jsonl

Prints one JSON document:
  transactions: [{conn, mail: "MAIL FROM:<...>", rcpt: ["RCPT TO:<...>", ...], message: REPORT}]
                where REPORT is check_mime.py's report of the DATA bytes, plus "to_raw" (the
                unfolded To value) and "to_name_rfc2047": its display name decoded strictly by
                RFC 2047 (the space between adjacent encoded words dropped, which Python's
                address parser keeps) or unquoted when it is a quoted string
  unexpected:   every command line that is not EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP or QUIT,
                every MAIL/RCPT/DATA out of order, and DATA without a message
  commands:     how many times each verb was seen
Used by the hostile-input tests to prove no data reached the SMTP conversation as a command.
"""
import json
import os
import sys
from email.header import decode_header

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_mime import check, wire_problems  # noqa: E402


def raw_header(raw, name):
    """The unfolded value of the first top-level header `name`, or None."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    fields = []
    for line in head.split("\r\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1] += line
        else:
            fields.append(line)
    for field in fields:
        key, _, value = field.partition(":")
        if key.lower() == name.lower():
            return value[1:] if value.startswith(" ") else value
    return None


def strict_display_name(value):
    """The display name of `Name <addr>` (None for a bare address)."""
    if value is None or not value.endswith(">") or " <" not in value:
        return None
    phrase = value[: value.rindex(" <")]
    if len(phrase) >= 2 and phrase[0] == phrase[-1] == '"':
        out, escaped = [], False
        for ch in phrase[1:-1]:
            if ch == "\\" and not escaped:
                escaped = True
                continue
            escaped = False
            out.append(ch)
        return "".join(out)
    parts = []
    for text, charset in decode_header(phrase):
        parts.append(text.decode(charset or "ascii") if isinstance(text, bytes) else text)
    return "".join(parts)


ALLOWED = {"EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT"}


def analyse(records):
    transactions, unexpected, commands = [], [], {}
    open_by_conn = {}
    for record in records:
        conn = record.get("conn")
        if "line" in record:
            line = record["line"]
            verb = line.split(" ", 1)[0].split(":", 1)[0].upper()
            commands[verb] = commands.get(verb, 0) + 1
            current = open_by_conn.get(conn)
            if verb not in ALLOWED:
                unexpected.append(f"conn {conn}: unexpected command {line!r}")
            elif verb == "MAIL":
                if current is not None:
                    unexpected.append(f"conn {conn}: MAIL inside an open transaction: {line!r}")
                open_by_conn[conn] = {"conn": conn, "mail": line, "rcpt": [], "data": False, "message": None}
            elif verb == "RCPT":
                if current is None or current["data"]:
                    unexpected.append(f"conn {conn}: RCPT outside a transaction: {line!r}")
                else:
                    current["rcpt"].append(line)
            elif verb == "DATA":
                if current is None or not current["rcpt"]:
                    unexpected.append(f"conn {conn}: DATA without MAIL and RCPT")
                else:
                    current["data"] = True
            elif verb in ("RSET", "QUIT", "EHLO", "HELO") and current is not None:
                unexpected.append(f"conn {conn}: {verb} abandoned a transaction")
                open_by_conn.pop(conn, None)
        elif "data" in record:
            current = open_by_conn.pop(conn, None)
            if current is None or not current["data"]:
                unexpected.append(f"conn {conn}: message data outside DATA")
                continue
            raw = record["data"].encode("latin-1")
            try:
                report = check(raw)
            except Exception as error:  # a message Python cannot read is itself the finding
                report = {"error": f"{type(error).__name__}: {error}", "wire": wire_problems(raw)}
            if "error" not in report or report["error"] is None:
                report["to_raw"] = raw_header(raw, "To")
                report["to_name_rfc2047"] = strict_display_name(report["to_raw"])
            del current["data"]
            current["message"] = report
            transactions.append(current)
    for conn, current in open_by_conn.items():
        unexpected.append(f"conn {conn}: transaction without message data: {current['mail']!r}")
    return {"transactions": transactions, "unexpected": unexpected, "commands": commands}


def main(arguments):
    with open(arguments[0], "rb") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    json.dump(analyse(records), sys.stdout, ensure_ascii=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
