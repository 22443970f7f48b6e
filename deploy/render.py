#!/usr/bin/env python3
"""Write the nginx configuration for N app processes from deploy/nginx/*.conf.in.

    python3 deploy/render.py --ports 5001,5002,5003 --cert /etc/quiz/tls.crt \\
        --key /etc/quiz/tls.key --out /etc/nginx/conf.d/quiz.conf

writes quiz.conf (the part that goes inside nginx's ``http`` block). With ``--prefix DIR`` it
writes a whole nginx configuration under DIR instead (DIR/nginx.conf including DIR/quiz.conf,
its pid, logs and temporary files in DIR): what deploy/try.sh and the nginx test run with
``nginx -p DIR -c DIR/nginx.conf``. Standard library only.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIELD = re.compile(r"@([A-Z_]+)@")


def fill(template: str, values: dict) -> str:
    """Replace every @NAME@ field; a field without a value is an error, not a blank."""
    missing = sorted({m for m in FIELD.findall(template) if m not in values})
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return FIELD.sub(lambda m: str(values[m.group(1)]), template)


def _read(name: str) -> str:
    with open(os.path.join(HERE, "nginx", name), encoding="utf-8") as fh:
        return fh.read()


def listen(address: str) -> str:
    """'8443' -> '8443'; '127.0.0.1:8443' as given (nginx's own listen syntax)."""
    if not re.fullmatch(r"(\[[0-9a-fA-F:]+\]:|[\w.-]+:)?\d{1,5}", address):
        raise ValueError(f"not an address: {address!r}")
    return address


def quiz_conf(args) -> str:
    servers = "\n".join(
        f"    server {args.app_host}:{int(p)} max_fails=1 fail_timeout=5s;"
        for p in args.ports.split(","))
    return fill(_read("quiz.conf.in"), {
        "UPSTREAM_SERVERS": servers,
        "HTTP_LISTEN": listen(args.http),
        "HTTPS_LISTEN": listen(args.https),
        "HTTPS_PORT": args.https.rsplit(":", 1)[-1],
        "SERVER_NAME": args.server_name,
        "TLS_CERT": os.path.abspath(args.cert),
        "TLS_KEY": os.path.abspath(args.key),
        "MAX_BODY_MB": args.max_body_mb,
        "STATIC_ROOT": os.path.abspath(args.static),
    })


def main_conf(args, prefix: str) -> str:
    user = f"user {args.user};" if args.user else "# (started unprivileged: no user line)"
    return fill(_read("nginx.conf.in"), {
        "PREFIX": prefix, "WORKERS": args.workers, "USER_LINE": user})


def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ports", required=True, help="the app processes' ports, comma separated")
    ap.add_argument("--app-host", default="127.0.0.1", help="where the app processes listen")
    ap.add_argument("--https", default="443", help="nginx's TLS listen address (port or ip:port)")
    ap.add_argument("--http", default="80", help="nginx's plain listen address (redirects)")
    ap.add_argument("--server-name", default="_", help="nginx server_name")
    ap.add_argument("--cert", required=True, help="TLS certificate (PEM, full chain)")
    ap.add_argument("--key", required=True, help="TLS private key (PEM)")
    ap.add_argument("--static", default=os.path.join(ROOT, "static"),
                    help="the project's static/ folder")
    ap.add_argument("--max-body-mb", type=int,
                    default=int(os.environ.get("QUIZ_MAX_UPLOAD_MB", 20)) + 1)
    ap.add_argument("--out", help="where quiz.conf goes (without --prefix)")
    ap.add_argument("--prefix", help="write a whole configuration under this folder")
    ap.add_argument("--workers", default="auto", help="nginx worker processes (--prefix)")
    ap.add_argument("--user", help="nginx worker user when started as root (--prefix)")
    args = ap.parse_args(argv)
    if bool(args.out) == bool(args.prefix):
        ap.error("give one of --out or --prefix")
    try:
        conf = quiz_conf(args)
        if args.out:
            write(args.out, conf)
            return 0
        prefix = os.path.abspath(args.prefix)
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            os.makedirs(os.path.join(prefix, sub), exist_ok=True)
        write(os.path.join(prefix, "quiz.conf"), conf)
        write(os.path.join(prefix, "nginx.conf"), main_conf(args, prefix))
    except (KeyError, ValueError, OSError) as exc:
        print(f"render.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
