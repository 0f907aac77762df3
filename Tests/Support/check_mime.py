#!/usr/bin/python3
"""Independent check of a MIME message written by Mailroom.

Usage: check_mime.py [FILE ...]   (no FILE or "-" reads one message from stdin)

For each message prints one JSON object on its own line:
  wire:      problems with the raw bytes (bare CR/LF, lines over 998 octets, 8-bit bytes, no final CRLF)
  defects:   defects Python's email package found, on the message, its headers and every part
  header_names / part_header_names: field names in order, as parsed
  subject, from, to, reply_to (mailboxes as {display_name, address}), message_id, date,
  content_type, boundary, text, html (decoded, CRLF turned into LF), parts (content types in order)
When Python raises while reading a message, the object holds only "error" and "wire".
"""
import json
import sys
from email import policy
from email.parser import BytesParser


def wire_problems(raw):
    problems = []
    lines = raw.split(b"\r\n")
    if lines[-1] != b"":
        problems.append("message does not end with CRLF")
    for number, line in enumerate(lines, start=1):
        if b"\r" in line:
            problems.append(f"line {number}: bare CR")
        if b"\n" in line:
            problems.append(f"line {number}: bare LF")
        if len(line) > 998:
            problems.append(f"line {number}: {len(line)} octets (limit 998)")
        if any(byte >= 0x80 for byte in line):
            problems.append(f"line {number}: 8-bit byte")
    return problems


def mailboxes(header):
    if header is None:
        return None
    return [{"display_name": a.display_name, "address": a.addr_spec} for a in header.addresses]


def defects_of(message):
    found = []
    for part in message.walk():
        found += [f"{part.get_content_type()}: {type(d).__name__}: {d}" for d in part.defects]
        for name, value in part.items():
            for d in getattr(value, "defects", ()):
                found.append(f"{name}: {type(d).__name__}: {d}")
    return found


def check(raw):
    message = BytesParser(policy=policy.default).parsebytes(raw)
    report = {
        "error": None,
        "wire": wire_problems(raw),
        "defects": defects_of(message),
        "header_names": list(message.keys()),
        "subject": None if message["subject"] is None else str(message["subject"]),
        "from": mailboxes(message["from"]),
        "to": mailboxes(message["to"]),
        "reply_to": mailboxes(message["reply-to"]),
        "message_id": None if message["message-id"] is None else str(message["message-id"]),
        "date": None if message["date"] is None else str(message["date"]),
        "content_type": message.get_content_type(),
        "boundary": message.get_boundary(),
        "parts": [],
        "part_header_names": [],
        "text": None,
        "html": None,
    }
    if message.is_multipart():
        for part in message.iter_parts():
            report["parts"].append(part.get_content_type())
            report["part_header_names"].append(list(part.keys()))
            content = part.get_content()
            if isinstance(content, str):
                content = content.replace("\r\n", "\n")
            if part.get_content_type() == "text/plain" and report["text"] is None:
                report["text"] = content
            elif part.get_content_type() == "text/html" and report["html"] is None:
                report["html"] = content
    return report


def main(arguments):
    sources = arguments or ["-"]
    for source in sources:
        if source == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(source, "rb") as handle:
                raw = handle.read()
        try:
            report = check(raw)
        except Exception as error:  # a message Python cannot even read is itself the finding
            report = {"error": f"{type(error).__name__}: {error}", "wire": wire_problems(raw)}
        print(json.dumps(report, ensure_ascii=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
