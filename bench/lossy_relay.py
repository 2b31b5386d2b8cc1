#!/usr/bin/env python3
"""A userspace lossy link: a TCP relay that gives each connection the pace of TCP over a bad line.

Used by ``bench_download.py --scenarios lossy`` where ``tc qdisc ... netem`` is not available
(this machine's kernel has no netem module). Standard library only.

    python3 bench/lossy_relay.py --listen 127.0.0.1:0 --upstream 127.0.0.1:8080 \\
        --rtt 0.1 --loss 0.02 --link-rate 12500000

What it models, per connection, for the server-to-client direction (the bulk of a download):
- a delay of half the round trip on each direction (the request, every burst of the answer),
  and one round trip before the first byte (the handshake);
- Reno congestion control: data goes out in rounds of one round trip, ``cwnd`` segments of
  ``--mss`` bytes per round, starting at 10 segments (RFC 6928) and doubling each round
  until the first loss, then one more segment per round; a round with a lost segment (each
  segment is lost with probability ``--loss``) halves ``cwnd``; with fewer than four segments
  in flight a loss cannot be fast-retransmitted and costs a retransmission timeout instead;
- one shared bottleneck of ``--link-rate`` bytes per second for all connections together.

So a single connection settles near the rate of the Mathis formula (MSS / RTT × 1.22 / √p),
as it does on a real lossy line, and more connections add throughput until the link is full.
The relay prints its port on stdout (one line) and runs until killed; ``--stats FILE`` makes it
write, once per second, how many connections are open and how many have been accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import time
from pathlib import Path

IW = 10  # initial window in segments (RFC 6928)
MIN_RTO = 0.2  # Linux's minimum retransmission timeout
READ = 256 * 1024


class Link:
    """The bottleneck every connection shares: a token bucket of ``rate`` bytes per second."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._tokens = 0.0
        self._stamp = time.monotonic()
        self._lock = asyncio.Lock()

    async def take(self, n: int) -> None:
        if self.rate <= 0:
            return
        async with self._lock:
            now = time.monotonic()
            self._tokens = min(self.rate * 0.05, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= n
            if self._tokens < 0:
                await asyncio.sleep(-self._tokens / self.rate)


class Relay:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.link = Link(args.link_rate)
        self.rng = random.Random(args.seed)
        self.open = 0
        self.accepted = 0
        self.peak = 0

    async def handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.open += 1
        self.peak = max(self.peak, self.open)
        a = self.args
        try:
            await asyncio.sleep(a.rtt)  # SYN, SYN-ACK, ACK
            host, port = a.upstream.rsplit(":", 1)
            up_r, up_w = await asyncio.open_connection(host, int(port))
        except OSError:
            self.open -= 1
            client_w.close()
            return
        try:
            await asyncio.gather(self.upward(client_r, up_w), self.downward(up_r, client_w))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self.open -= 1
            for w in (up_w, client_w):
                with contextlib.suppress(Exception):
                    w.close()

    async def upward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Requests: small, so only delayed by half a round trip."""
        while data := await reader.read(READ):
            await asyncio.sleep(self.args.rtt / 2)
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError):
            writer.write_eof()

    async def downward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        a = self.args
        cwnd, ssthresh = float(IW), float("inf")
        rto = max(MIN_RTO, 2 * a.rtt)
        pending = bytearray()
        eof = False
        loop = asyncio.get_running_loop()
        while True:
            if not pending and not eof:
                data = await reader.read(READ)
                if not data:
                    eof = True
                pending += data
            if not pending and eof:
                break
            round_start = loop.time()
            budget = int(cwnd) * a.mss
            # Top up what this round may carry, without waiting once something is there.
            while len(pending) < budget and not eof:
                try:
                    data = await asyncio.wait_for(reader.read(READ), timeout=0.001)
                except TimeoutError:
                    break
                if not data:
                    eof = True
                pending += data
            burst = bytes(pending[:budget])
            del pending[:budget]
            segments = max(1, -(-len(burst) // a.mss))
            lost = any(self.rng.random() < a.loss for _ in range(segments))
            await self.link.take(len(burst))
            # The burst reaches the client half a round trip later; the next round begins when
            # its acknowledgements are back, one round trip after this one began.
            loop.call_later(a.rtt / 2, _write, writer, burst)
            if lost:
                ssthresh = max(cwnd / 2, 2.0)
                if cwnd < 4:
                    await asyncio.sleep(rto)  # no three duplicate ACKs: wait for the timer
                cwnd = ssthresh
            elif cwnd < ssthresh:
                cwnd *= 2
            else:
                cwnd += 1
            cwnd = min(cwnd, a.max_cwnd)
            await asyncio.sleep(max(0.0, round_start + a.rtt - loop.time()))
        await asyncio.sleep(a.rtt / 2)  # let the last burst land
        with contextlib.suppress(OSError):
            await writer.drain()
            writer.write_eof()

    async def stats(self, path: Path) -> None:
        while True:
            path.write_text(json.dumps({"open": self.open, "accepted": self.accepted, "peak": self.peak}))
            await asyncio.sleep(1.0)


def _write(writer: asyncio.StreamWriter, data: bytes) -> None:
    if not writer.is_closing():
        writer.write(data)


async def main(args: argparse.Namespace) -> None:
    relay = Relay(args)
    host, port = args.listen.rsplit(":", 1)
    server = await asyncio.start_server(relay.handle, host, int(port), backlog=256)
    print(server.sockets[0].getsockname()[1], flush=True)
    if args.stats:
        asyncio.get_running_loop().create_task(relay.stats(Path(args.stats)))
    async with server:
        await server.serve_forever()


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="A TCP relay that behaves like a lossy, slow line.")
    p.add_argument("--listen", default="127.0.0.1:0", help="address to listen on (default 127.0.0.1:0)")
    p.add_argument("--upstream", required=True, help="HOST:PORT of the real server")
    p.add_argument("--rtt", type=float, default=0.1, help="round-trip time in seconds (default 0.1)")
    p.add_argument("--loss", type=float, default=0.02, help="segment loss probability (default 0.02)")
    p.add_argument("--mss", type=int, default=1448, help="segment size in bytes (default 1448)")
    p.add_argument("--max-cwnd", type=float, default=4096, help="largest window in segments")
    p.add_argument(
        "--link-rate", type=float, default=12.5e6, help="shared bottleneck, bytes/s (default 100 Mbit/s)"
    )
    p.add_argument("--seed", type=int, default=None, help="seed for the loss generator")
    p.add_argument("--stats", help="file to write connection counts to, once per second")
    return p.parse_args(argv)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(parse_args(sys.argv[1:])))
