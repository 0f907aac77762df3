#!/usr/bin/env python3
"""A peer that does the whole job: django-post_office (Django's templates, a SQLite queue).

    post_office_peer.py setup DIR SINK_PORT            # migrate DIR/post_office.sqlite3, load the templates
    post_office_peer.py enqueue DIR SINK_PORT EVENTS   # post_office.mail.send(...) per event, queued
    post_office_peer.py deliver DIR SINK_PORT N        # manage.py send_queued_mail; then N must be sent

Run with the Python of a virtual environment that has django-post_office (Benchmarks/run.sh makes
one under its scratch directory). Everything is as the library ships it: Django's SQLite backend
with its defaults (rollback journal, synchronous FULL: every `mail.send` is its own transaction,
committed before it returns), post_office's defaults (rendered at enqueue, delivery in batches of
100 by 5 threads, each with its own SMTP connection per batch, a log row per message), Django's SMTP
backend to the benchmark's smtp-sink.

The templates are EmailTemplate rows, one per template and language, made from the Jinja2
translation of Mailroom's (templates/, see convert_templates.py): the two syntaxes agree on
everything these templates use but `loop.first`; the layout is inlined around each body (and the
subject into the HTML title), the subject and text are rendered without HTML escaping, as
Mailroom's are.
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from event_values import TEMPLATE_FOR, language, values  # noqa: E402

SENDER = "Example Accounts <accounts@example.com>"
REPLY_TO = "Example Support <support@example.com>"


def configure(directory, sink_port):
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        USE_TZ=True,
        TIME_ZONE="UTC",
        LANGUAGES=[("en", "English"), ("de", "German")],
        INSTALLED_APPS=["post_office"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3",
                               "NAME": str(pathlib.Path(directory) / "post_office.sqlite3")}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [],
                    "APP_DIRS": True}],
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=int(sink_port),
        DEFAULT_FROM_EMAIL=SENDER,
        POST_OFFICE={"MESSAGE_ID_ENABLED": True, "MESSAGE_ID_FQDN": "mail.example.com"},
        LOGGING_CONFIG=None,
    )
    django.setup()


def django_template(name, lang, part):
    text = (HERE / "templates" / name / f"{part}.{lang}.j2").read_text()
    return text.replace("loop.first", "forloop.first")


def templates():
    """(name, language, subject, text, html) for every template and language."""
    for name in sorted(set(TEMPLATE_FOR.values())):
        for lang in ("en", "de"):
            subject = django_template(name, lang, "subject").strip()
            text = django_template("layouts", lang, "layout.text").replace(
                "{{ body|safe }}", django_template(name, lang, "text"))
            html = django_template("layouts", lang, "layout.html").replace(
                "{{ body|safe }}", django_template(name, lang, "html")).replace("{{ subject }}", subject)
            unescaped = "{%% autoescape off %%}%s{%% endautoescape %%}"
            yield name, lang, unescaped % subject, unescaped % text, html


def setup(directory):
    from django.core.management import call_command
    from post_office.models import EmailTemplate

    call_command("migrate", verbosity=0)
    for name, lang, subject, text, html in templates():
        base = EmailTemplate.objects.filter(name=name, language="").first()
        if base is None:
            base = EmailTemplate.objects.create(name=name, language="", subject=subject, content=text,
                                                html_content=html)
        EmailTemplate.objects.create(name=name, language=lang, default_template=base, subject=subject,
                                     content=text, html_content=html)


def enqueue(events):
    from post_office import mail

    count = 0
    with open(events, encoding="utf-8") as lines:
        for line in lines:
            event = json.loads(line)
            lang = language(event)
            account = event["account"]
            to = f'{account["name"]} <{account["email"]}>' if account.get("name") else account["email"]
            mail.send([to], SENDER, template=TEMPLATE_FOR[event["type"]], context=values(event, lang),
                      language=lang, headers={"Reply-To": REPLY_TO})
            count += 1
    print(f"post_office: queued {count}", file=sys.stderr)


def deliver(expected):
    from django.core.management import call_command
    from post_office.models import STATUS, Email

    call_command("send_queued_mail", processes=1)
    sent = Email.objects.filter(status=STATUS.sent).count()
    others = Email.objects.exclude(status=STATUS.sent).count()
    print(f"post_office: {sent} sent, {others} not sent", file=sys.stderr)
    if sent != expected or others:
        sys.exit(f"post_office: expected {expected} sent and none left, found {sent} sent and {others} others")


def main():
    command, directory, sink_port = sys.argv[1], sys.argv[2], sys.argv[3]
    configure(directory, sink_port)
    if command == "setup":
        setup(directory)
    elif command == "enqueue":
        enqueue(sys.argv[4])
    elif command == "deliver":
        deliver(int(sys.argv[4]))
    else:
        sys.exit(f"post_office_peer.py: unknown command {command}")


if __name__ == "__main__":
    main()
