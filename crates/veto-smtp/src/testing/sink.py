"""A throwaway upstream SMTP server for Veto's tests (veto_smtp::testing::Sink).

Listens on 127.0.0.1 on a port the system picks and prints `LISTENING <port>` once it
accepts connections. Every accepted message becomes one JSON line in the file named by the
first argument: {"at_us", "mail_from", "rcpt_to", "data", "auth_user"}.

Environment: SINK_AUTH_USER / SINK_AUTH_PASSWORD require AUTH (PLAIN/LOGIN, allowed without
TLS); SINK_TLS_CERT / SINK_TLS_KEY (PEM files) offer STARTTLS. Recipients whose local part
contains "tempfail" get 451 4.3.0, those containing "reject" get 550 5.1.1.
"""

import asyncio
import json
import os
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

OUT = sys.argv[1]
USER = os.environ.get("SINK_AUTH_USER")
PASSWORD = os.environ.get("SINK_AUTH_PASSWORD")
CERT = os.environ.get("SINK_TLS_CERT")
KEY = os.environ.get("SINK_TLS_KEY")


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.rsplit("@", 1)[0].lower()
        if "tempfail" in local:
            return "451 4.3.0 Temporary failure (test sink)"
        if "reject" in local:
            return "550 5.1.1 No such user (test sink)"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        auth_user = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            auth_user = session.auth_data.login.decode("utf-8", "replace")
        record = {
            "at_us": time.time_ns() // 1000,
            # aiosmtpd keeps the null reverse-path as "<>"; Veto's envelopes spell it "".
            "mail_from": "" if envelope.mail_from == "<>" else envelope.mail_from,
            "rcpt_to": list(envelope.rcpt_tos),
            "data": envelope.original_content.decode("utf-8", "replace"),
            "auth_user": auth_user,
        }
        with open(OUT, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 2.0.0 Message accepted (test sink)"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode("utf-8", "replace") == USER
        and auth_data.password.decode("utf-8", "replace") == PASSWORD
    )
    # handled=False: aiosmtpd then answers a failure with its standard 535 5.7.8.
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def factory():
    options = {"hostname": "veto-test-sink", "data_size_limit": None}
    if USER is not None:
        options.update(auth_required=True, auth_require_tls=False, authenticator=authenticator)
    if CERT:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(CERT, KEY)
        options["tls_context"] = context
    return SMTP(Handler(), **options)


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    print(f"LISTENING {port}", flush=True)
    await server.serve_forever()


asyncio.run(main())
