#!/usr/bin/python3
"""A tiny SMTP server that follows a script, to produce faults on demand.

Usage: scripted_smtp_server.py --script JSON --log FILE
Prints the listening port (127.0.0.1) on stdout line 1; exits when stdin reaches EOF.

The script is {"connections": [SPEC, ...]}: connection N uses SPEC N (the last one repeats).
A SPEC maps "greeting" and the verbs EHLO, HELO, MAIL, RCPT, DATA, DOT (the end of data),
RSET, NOOP, QUIT, STARTTLS, AUTH to a RESPONSE; unlisted verbs get ordinary success replies.
A RESPONSE is
  - a string: the reply; "\n" separates the lines of a multi-line reply;
  - a list: the RESPONSE for the 1st, 2nd, ... use of the verb (the last one repeats);
  - an object {"action": A, ...} with A one of
      "close"    close the connection without replying (an orderly FIN),
      "reset"    abort the connection without replying (SO_LINGER 0: the client sees a TCP RST),
      "stall"    never reply (keep reading until the client goes away, logging what it sends
                 as {"conn": N, "while-stalled": "..."}, then the event "client-gone-while-stalled"),
      "garbage"  send bytes that are not SMTP, then carry on,
      "delay"    wait "seconds", then send "reply",
      "wait-for-file"  send "reply" once the file "path" exists (a test orders the reply after
                 something it did; logs the event "waiting-for-file" first),
      "reply-then-close"  send "reply", then close,
      "reply-then-not-tls"  send "reply" (e.g. "220 go ahead" to STARTTLS), then answer the
                 client's TLS ClientHello with bytes that are not TLS and close: a TLS handshake
                 failure after STARTTLS,
      "421-then-close-when-idle"  send "reply" now; if no command follows within
                 "idle_seconds", send "421 4.4.2 ..." and close (a relay's idle timeout).

Every line received is appended to the log as JSON {"conn": N, "line": "..."}; message data as
{"conn": N, "data": "<latin-1 text, dot-stuffing removed>"}; events as {"conn": N, "event": E}.
"""
import argparse
import asyncio
import json
import os
import socket
import struct

from loopback_serving import serve_until_stdin_closes

DEFAULTS = {
    "greeting": "220 scripted.test ESMTP ready",
    "EHLO": "250-scripted.test\n250 8BITMIME",
    "HELO": "250 scripted.test",
    "MAIL": "250 2.1.0 Ok",
    "RCPT": "250 2.1.5 Ok",
    "DATA": "354 End data with <CR><LF>.<CR><LF>",
    "DOT": "250 2.0.0 Ok: queued as SCRIPTED",
    "RSET": "250 2.0.0 Ok",
    "NOOP": "250 2.0.0 Ok",
    "QUIT": "221 2.0.0 Bye",
    "STARTTLS": "454 4.7.0 TLS not available",
    "AUTH": "504 5.5.4 Unrecognized authentication type",
}


class Script:
    def __init__(self, script, log_path):
        self.connections = script.get("connections") or [{}]
        self.log_path = log_path
        self.count = 0

    def log(self, record):
        with open(self.log_path, "a") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()


def pick(spec, key, uses):
    response = spec.get(key, DEFAULTS.get(key, "500 5.5.2 Unrecognized command"))
    if isinstance(response, list):
        response = response[min(uses, len(response) - 1)]
    if isinstance(response, str):
        return {"action": "reply", "reply": response}
    return response


async def handle(script, reader, writer):
    script.count += 1
    conn = script.count
    spec = script.connections[min(conn, len(script.connections)) - 1]
    uses = {}
    idle = None
    script.log({"conn": conn, "event": "connect"})

    async def reply(text):
        for line in text.split("\n"):
            writer.write(line.encode("latin-1") + b"\r\n")
        await writer.drain()

    async def perform(response):
        """Returns False when the connection is over."""
        nonlocal idle
        action = response.get("action", "reply")
        if action == "close":
            script.log({"conn": conn, "event": "closed-by-script"})
            return False
        if action == "reset":
            script.log({"conn": conn, "event": "reset-by-script"})
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        if action == "stall":
            script.log({"conn": conn, "event": "stalling"})
            while chunk := await reader.read(4096):
                script.log({"conn": conn, "while-stalled": chunk.decode("latin-1")})
            script.log({"conn": conn, "event": "client-gone-while-stalled"})
            return False
        if action == "garbage":
            writer.write(b"\x00\xffthis is not SMTP\r\n")
            await writer.drain()
            return True
        if action == "delay":
            await asyncio.sleep(float(response.get("seconds", 1)))
        if action == "wait-for-file":
            script.log({"conn": conn, "event": "waiting-for-file"})
            while not os.path.exists(response["path"]):
                await asyncio.sleep(0.02)
        await reply(response["reply"])
        if action == "reply-then-close":
            return False
        if action == "reply-then-not-tls":
            hello = await reader.read(4096)
            script.log({"conn": conn, "event": "tls-client-hello" if hello[:1] == b"\x16" else "not-tls-hello"})
            writer.write(b"this is not TLS\r\n" * 4)
            await writer.drain()
            script.log({"conn": conn, "event": "closed-during-tls"})
            return False
        if action == "421-then-close-when-idle":
            idle = float(response.get("idle_seconds", 0.3))
        return True

    try:
        if not await perform(pick(spec, "greeting", 0)):
            return
        while True:
            try:
                if idle is not None:
                    line = await asyncio.wait_for(reader.readline(), idle)
                else:
                    line = await reader.readline()
            except asyncio.TimeoutError:
                await reply("421 4.4.2 scripted.test idle timeout, closing connection")
                script.log({"conn": conn, "event": "idle-closed"})
                return
            idle = None
            if not line:
                script.log({"conn": conn, "event": "client-closed"})
                return
            text = line.decode("latin-1").rstrip("\r\n")
            script.log({"conn": conn, "line": text})
            verb = text.split(" ", 1)[0].split(":", 1)[0].upper()
            key = verb if verb in DEFAULTS else "UNKNOWN"
            n = uses.get(key, 0)
            uses[key] = n + 1
            response = pick(spec, key, n)
            if not await perform(response):
                return
            if key == "DATA" and response.get("reply", "").startswith("354"):
                lines = []
                while True:
                    data_line = await reader.readline()
                    if not data_line:
                        script.log({"conn": conn, "event": "client-closed-in-data"})
                        return
                    if data_line == b".\r\n":
                        break
                    lines.append(data_line[1:] if data_line.startswith(b".") else data_line)
                script.log({"conn": conn, "data": b"".join(lines).decode("latin-1")})
                n = uses.get("DOT", 0)
                uses["DOT"] = n + 1
                if not await perform(pick(spec, "DOT", n)):
                    return
            if key == "QUIT":
                return
    except (ConnectionError, asyncio.IncompleteReadError):
        script.log({"conn": conn, "event": "connection-error"})
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--script", required=True, help="the script as a JSON string")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    script = Script(json.loads(args.script), args.log)
    server = await asyncio.start_server(lambda r, w: handle(script, r, w), "127.0.0.1", 0)
    await serve_until_stdin_closes(server)


if __name__ == "__main__":
    asyncio.run(main())
