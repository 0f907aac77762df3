#!/usr/bin/env python3
"""One-off: translates Mailroom's mustache templates into the Jinja2 templates the peer uses.

Run from the repository root: Benchmarks/peers/convert_templates.py. The peer then renders the same
words and markup as Mailroom, so the comparison is about the machinery, not the text.
"""
import pathlib
import re

SRC = pathlib.Path("Templates")
DST = pathlib.Path(__file__).resolve().parent / "templates"
LISTS = {"retained": "item"}


def convert(text: str) -> str:
    text = text.replace("{{{body}}}", "{{ body|safe }}")
    text = text.replace("{{^first()}}", "{% if not loop.first %}").replace("{{/first()}}", "{% endif %}")
    for name, var in LISTS.items():
        text = text.replace("{{#%s}}" % name, "{%% for %s in %s %%}" % (var, name))
        text = text.replace("{{/%s}}" % name, "{% endfor %}")
        for field in ("category", "reason", "retain_until_date"):
            text = text.replace("{{%s}}" % field, "{{ %s.%s }}" % (var, field))
    text = re.sub(r"\{\{#(\w+)\}\}", r"{% if \1 %}", text)
    text = re.sub(r"\{\{\^(\w+)\}\}", r"{% if not \1 %}", text)
    text = re.sub(r"\{\{/(\w+)\}\}", r"{% endif %}", text)
    text = re.sub(r"\{\{(\w+)\}\}", r"{{ \1 }}", text)
    return text


def main() -> None:
    for path in sorted(SRC.glob("*/*.mustache")):
        out = DST / path.parent.name / (path.stem + ".j2")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(convert(path.read_text()))


if __name__ == "__main__":
    main()
