"""A local SMTP sink for the mail tests: accepts every message on 127.0.0.1:PORT and writes each one to DIR as
N.eml (the bytes received) and N.json (envelope and headers as Python's e-mail parser decodes them).

Usage: python3 smtp_sink.py PORT DIR — prints "ready" once listening, runs until killed.
Needs aiosmtpd (pip install aiosmtpd).
"""

import json
import pathlib
import sys
import time

try:
    from aiosmtpd.controller import Controller
except ImportError:
    print("aiosmtpd is not installed: run `python3 -m pip install aiosmtpd`", file=sys.stderr, flush=True)
    sys.exit(3)

from email import policy
from email.parser import BytesParser


class Sink:
    def __init__(self, out):
        self.out = out
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        raw = envelope.original_content or envelope.content
        (self.out / f"{self.n}.eml").write_bytes(raw)
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "raw_subject": raw_header(raw, b"Subject"),
            "message_id": str(msg["Message-ID"]),
            "date": str(msg["Date"]),
            "mime_version": str(msg["MIME-Version"]),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "transfer_encoding": str(msg.get("Content-Transfer-Encoding", "")),
            "body": body.get_content() if body is not None else None,
        }
        tmp = self.out / f"{self.n}.json.tmp"
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        tmp.rename(self.out / f"{self.n}.json")
        return "250 Message accepted for delivery"


def raw_header(raw, name):
    """The header as it travelled (folded lines joined), to check it is 7-bit with RFC 2047 words."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    out, taking = [], False
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if taking:
                out.append(line)
            continue
        taking = line.lower().startswith(name.lower() + b":")
        if taking:
            out.append(line)
    return b"".join(out).decode("latin-1")


def main():
    port = int(sys.argv[1])
    out = pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    controller = Controller(Sink(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
