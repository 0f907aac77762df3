#!/usr/bin/python3
"""A real SMTP server (aiosmtpd 1.4) on 127.0.0.1 that writes every message it receives to disk.

Prints the listening port on stdout line 1 once ready. Exits when stdin reaches EOF, so a test
process that dies takes its servers with it.

For message N (from 1) it writes OUTDIR/N.eml (the DATA bytes exactly as received, dot-stuffing
removed) and then OUTDIR/N.json (envelope, connection number, login, TLS). OUTDIR/stats.json
holds the number of connections and EHLO commands seen so far.
"""
import argparse
import random
import asyncio
import json
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from loopback_serving import serve_until_stdin_closes

STATE = {"connections": 0, "ehlo": 0, "messages": 0}


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


class CountingSMTP(SMTP):
    """One instance per connection: numbers the connection for the envelope records."""

    def __init__(self, *args, refuse_starttls=False, **kwargs):
        super().__init__(*args, **kwargs)
        STATE["connections"] += 1
        self.connection_number = STATE["connections"]
        self.refuse_starttls = refuse_starttls

    async def smtp_STARTTLS(self, arg):
        if self.refuse_starttls:
            await self.push("454 4.7.0 TLS not available due to temporary reason")
            return
        await super().smtp_STARTTLS(arg)


class Handler:
    def __init__(self, outdir, advertise_starttls, final_delay=None):
        self.final_delay = final_delay
        self.outdir = outdir
        self.advertise_starttls = advertise_starttls
        write_json(os.path.join(outdir, "stats.json"), STATE)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        STATE["ehlo"] += 1
        write_json(os.path.join(self.outdir, "stats.json"), STATE)
        session.host_name = hostname
        if self.advertise_starttls and not any("STARTTLS" in r for r in responses):
            responses.insert(len(responses) - 1, "250-STARTTLS")
        return responses

    async def handle_DATA(self, server, session, envelope):
        STATE["messages"] += 1
        number = STATE["messages"]
        base = os.path.join(self.outdir, str(number))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        write_json(base + ".json", {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "connection": server.connection_number,
            "login": login,
            "tls": session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None,
        })
        write_json(os.path.join(self.outdir, "stats.json"), STATE)
        if self.final_delay:
            # The message is captured; only the reply is late, as on a slow relay: a client killed
            # now cannot know that it arrived.
            await asyncio.sleep(random.uniform(*self.final_delay) / 1000)
        return "250 2.0.0 Ok: queued as CAP%04d" % number


def make_authenticator(username, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == username.encode() and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)
    return authenticator


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--port", type=int, default=0, help="listen on this port (default: a free one)")
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--refuse-starttls", action="store_true",
                        help="advertise STARTTLS but answer it with 454")
    parser.add_argument("--auth-user")
    parser.add_argument("--auth-password")
    parser.add_argument("--auth-mechanisms", default="PLAIN,LOGIN")
    parser.add_argument("--final-delay-ms", metavar="MIN-MAX",
                        help="wait a random MIN-MAX ms before the reply to the end of data")
    args = parser.parse_args()

    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    auth_kwargs = {}
    if args.auth_user:
        offered = set(m.strip().upper() for m in args.auth_mechanisms.split(","))
        auth_kwargs = dict(
            authenticator=make_authenticator(args.auth_user, args.auth_password or ""),
            auth_required=True,
            # Implicit TLS is invisible to aiosmtpd (it only knows STARTTLS): allow AUTH there.
            auth_require_tls=(args.tls == "starttls"),
            auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN") if m not in offered],
        )

    loop = asyncio.get_running_loop()
    final_delay = tuple(float(x) for x in args.final_delay_ms.split("-")) if args.final_delay_ms else None
    handler = Handler(args.outdir, advertise_starttls=args.refuse_starttls, final_delay=final_delay)

    def factory():
        return CountingSMTP(
            handler,
            hostname="capture.test",
            tls_context=context if args.tls == "starttls" else None,
            require_starttls=(args.tls == "starttls"),
            refuse_starttls=args.refuse_starttls,
            loop=loop,
            **auth_kwargs,
        )

    server = await loop.create_server(
        factory, "127.0.0.1", args.port, ssl=context if args.tls == "implicit" else None)
    await serve_until_stdin_closes(server)


if __name__ == "__main__":
    asyncio.run(main())
