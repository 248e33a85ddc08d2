"""An upstream for bench/send.sh (BENCH_SINK=aiosmtpd): Python's aiosmtpd on one loopback
port, accepting every recipient and discarding every message, like Postfix's smtp-sink but at
the speed of an ordinary single-process SMTP server (the same server the relay's tests use as
their upstream).

    python3 bench/aiosmtpd_sink.py PORT
"""

import asyncio
import sys

from aiosmtpd.smtp import SMTP


class Discard:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 OK (discarded)"


async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Discard(), hostname="sink.bench.test", data_size_limit=0,
                     enable_SMTPUTF8=True),
        host="127.0.0.1", port=port, backlog=1024)
    print(f"LISTENING {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
