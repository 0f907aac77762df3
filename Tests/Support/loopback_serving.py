"""What every SMTP test server in Tests/Support does around its own protocol handling.

The Swift side (MailroomTesting's TestServer) reads the port from the first stdout line and
closes the server's stdin to stop it: EOF on stdin ends the process, so a crashed test run
leaves no server behind.
"""
import os
import sys
import threading


def _exit_when_stdin_closes():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


async def serve_until_stdin_closes(server):
    """Prints the port `server` listens on, then serves until stdin reaches EOF."""
    print(server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    async with server:
        await server.serve_forever()
