#!/usr/bin/env python3
"""Feeds a private Postfix instance (postfix.sh) the messages Mailroom rendered, for Benchmarks/run.sh.

    postfix_feed.py export OUTBOX_DIR MESSAGES      # the stored messages of a held `mailroom send`
    postfix_feed.py feed smtp|sendmail MESSAGES POSTFIX_DIR SMTPD_PORT SINK_LOG RESULT

`export` copies each message's exact bytes and envelope out of Mailroom's outbox (outbox.sqlite,
the schema README.md documents for ad-hoc questions), so Postfix carries what Mailroom would send.

`feed` hands them to Postfix, over one SMTP connection (smtplib, to the instance's smtpd) or by one
`sendmail -C` per message (which runs postdrop into the maildrop queue; pickup takes it from there),
then waits until the smtp-sink's running counter (`smtp-sink -c`, its stdout in SINK_LOG) has grown
by the number of messages: the time is from the first message handed over to the last one at the
sink. It writes "elapsed_s user_s sys_s peak_rss_kb" to RESULT, the format of /usr/bin/time in
run.sh, where the CPU is that of every process involved but the sink: this feeder (the client) with
the sendmail and postdrop processes it ran, and Postfix's daemons: the master and all its children,
read from /proc before and after (the children that exited in between are in the master's cutime
and cstime, since the master reaps them). The memory is the peak of the sum of the proportional set
sizes (PSS: shared pages divided among the processes sharing them; a sum of RSS would count the
shared libraries once per daemon) of the master and its children, sampled every 50 ms by a separate
process (so that the sampling costs the feeder nothing).
A second line gives the split: "daemons_cpu_s client_cpu_s".
"""
import os
import re
import resource
import signal
import smtplib
import sqlite3
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
COUNTER = re.compile(rb"mesg=(\d+)")


def export(outbox, out_path):
    db = sqlite3.connect(f"file:{os.path.join(outbox, 'outbox.sqlite')}?mode=ro", uri=True)
    rows = db.execute("SELECT m.sender, m.recipients, c.bytes FROM messages m "
                      "JOIN message_content c ON c.message = m.id ORDER BY m.id")
    count = 0
    with open(out_path, "wb") as out:
        for sender, recipients, data in rows:
            rcpts = ",".join(r.strip() for r in recipients.split(","))
            out.write(f"{sender}\t{rcpts}\t{len(data)}\n".encode())
            out.write(data)
            count += 1
    print(f"postfix_feed: exported {count} messages", file=sys.stderr)


def load(path):
    messages = []
    with open(path, "rb") as f:
        while header := f.readline():
            sender, rcpts, size = header.decode().rstrip("\n").split("\t")
            messages.append((sender, rcpts.split(","), f.read(int(size))))
    return messages


def sink_count(path):
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - 256))
        found = COUNTER.findall(f.read())
    return int(found[-1]) if found else 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:  # kernels without CONFIG_PROC_CHILDREN: scan every process
        kids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                            kids.append(int(entry))
                except (FileNotFoundError, ProcessLookupError):
                    pass
        return kids


def stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def tree_cpu(master):
    """(user, sys) seconds of the master, its live children and its reaped children."""
    fields = stat_fields(master)  # after the name: state is [0], utime [11], stime [12], cutime [13], cstime [14]
    user = int(fields[11]) + int(fields[13])
    system = int(fields[12]) + int(fields[14])
    for pid in children(master):
        try:
            f = stat_fields(pid)
        except (FileNotFoundError, ProcessLookupError):
            continue  # exited between the listing and the read: its time is in the master's c-times now
        user += int(f[11])
        system += int(f[12])
    return user / TICK, system / TICK


def tree_pss_kb(master):
    total = 0
    for pid in [master] + children(master):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def sample(master, out_path):
    peak = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    while not stop:
        peak = max(peak, tree_pss_kb(master))
        time.sleep(0.05)
    with open(out_path, "w") as f:
        f.write(f"{peak}\n")


def master_pid(postfix_dir):
    with open(os.path.join(postfix_dir, "queue", "pid", "master.pid")) as f:
        return int(f.read().strip())


def feed(mode, messages_path, postfix_dir, port, sink_log, result):
    messages = load(messages_path)
    master = master_pid(postfix_dir)
    config = os.path.join(postfix_dir, "etc")
    base = sink_count(sink_log)
    peak_path = result + ".rss"
    sampler = subprocess.Popen([sys.executable, __file__, "sample", str(master), peak_path])
    cpu0 = tree_cpu(master)
    self0, kids0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    if mode == "smtp":
        with smtplib.SMTP("127.0.0.1", int(port)) as smtp:
            smtp.ehlo("mail.example.com")
            for sender, rcpts, data in messages:
                smtp.sendmail(sender, rcpts, data)
    elif mode == "sendmail":
        for sender, rcpts, data in messages:
            # A local program pipes text with LF line ends; -i: a line of "." does not end it.
            subprocess.run(["/usr/sbin/sendmail", "-C", config, "-i", "-f", sender, "--", *rcpts],
                           input=data.replace(b"\r\n", b"\n"), check=True)
    else:
        sys.exit(f"postfix_feed: unknown mode {mode}")
    self1, kids1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    deadline = time.monotonic() + 600
    while sink_count(sink_log) < base + len(messages):
        if time.monotonic() > deadline:
            sys.exit(f"postfix_feed: the sink has {sink_count(sink_log) - base} of {len(messages)} after 600 s")
        time.sleep(0.005)
    elapsed = time.monotonic() - start
    time.sleep(1)  # what the daemons do after the last reply (qmgr removes the queue file, ...) counts too
    cpu1 = tree_cpu(master)
    sampler.terminate()
    sampler.wait()
    with open(peak_path) as f:
        peak = int(f.read())
    client_user = (self1.ru_utime - self0.ru_utime) + (kids1.ru_utime - kids0.ru_utime)
    client_sys = (self1.ru_stime - self0.ru_stime) + (kids1.ru_stime - kids0.ru_stime)
    daemons_user, daemons_sys = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    with open(result, "w") as f:
        f.write(f"{elapsed:.3f} {client_user + daemons_user:.3f} {client_sys + daemons_sys:.3f} {peak}\n")
        f.write(f"{daemons_user + daemons_sys:.3f} {client_user + client_sys:.3f}\n")
    print(f"postfix_feed: {len(messages)} messages at the sink in {elapsed:.2f} s", file=sys.stderr)


def main():
    command = sys.argv[1]
    if command == "export":
        export(sys.argv[2], sys.argv[3])
    elif command == "feed":
        feed(*sys.argv[2:8])
    elif command == "sample":
        sample(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(f"postfix_feed: unknown command {command}")


if __name__ == "__main__":
    main()
