#!/usr/bin/env python3
"""The usual alternative: the same job written the way a team would without Mailroom.

Reads NDJSON events, renders Jinja2 templates (translated from Mailroom's own, see
convert_templates.py), builds each message with email.message.EmailMessage, writes it to a
directory with fsync, then sends it with smtplib over one reused connection.

Usage: python_peer.py EVENTS.ndjson OUTDIR HOST PORT
"""
import datetime
import json
import os
import pathlib
import smtplib
import sys
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import jinja2

from event_values import TEMPLATE_FOR, language, values

HERE = pathlib.Path(__file__).resolve().parent
SENDER = Address("Example Accounts", "accounts", "example.com")


def main():
    events, outdir, host, port = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    outdir.mkdir(parents=True, exist_ok=True)
    text_env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=False,
                                  undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    html_env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                  undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    sent = 0
    with smtplib.SMTP(host, port) as smtp, open(events, encoding="utf-8") as lines:
        smtp.ehlo("mail.example.com")
        for line in lines:
            event = json.loads(line)
            lang = language(event)
            name = TEMPLATE_FOR[event["type"]]
            v = values(event, lang)
            subject = text_env.get_template(f"{name}/subject.{lang}.j2").render(v).strip()
            v["subject"] = subject
            text = text_env.get_template(f"layouts/layout.text.{lang}.j2").render(
                v, body=text_env.get_template(f"{name}/text.{lang}.j2").render(v))
            html = html_env.get_template(f"layouts/layout.html.{lang}.j2").render(
                v, body=jinja2.utils.markupsafe.Markup(html_env.get_template(f"{name}/html.{lang}.j2").render(v)))
            msg = EmailMessage()
            msg["From"] = SENDER
            msg["To"] = Address(event["account"].get("name") or "", addr_spec=event["account"]["email"])
            msg["Subject"] = subject
            msg["Date"] = format_datetime(datetime.datetime.now(datetime.timezone.utc))
            msg["Message-ID"] = make_msgid(idstring=event["id"], domain="mail.example.com")
            msg.set_content(text)
            msg.add_alternative(html, subtype="html")
            data = msg.as_bytes()
            fd = os.open(outdir / (event["id"] + ".eml"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            smtp.sendmail("accounts@example.com", [event["account"]["email"]], data)
            sent += 1
    print(f"peer: sent {sent}", file=sys.stderr)


if __name__ == "__main__":
    main()
