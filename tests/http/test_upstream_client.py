"""The gateway's upstream client against a scripted HTTP server on loopback.

Each test's server reads one request head (and its body, when framed) per turn and answers with
the exact bytes the test gives, so answers a framework would never send can be sent too.
"""

import asyncio
import contextlib
import datetime
import gc
import ipaddress
import random
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.upstream.client import UpstreamClient
from core.ports.upstream import UpstreamBusy, UpstreamError, UpstreamReadTimeout, UpstreamReply

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "Server"], Awaitable[None]]

# Limits a test is not about, and bounds on what should happen at once: far beyond what the
# busiest machine needs, so that only the short limits a test sets on purpose are ever reached.
PATIENT = 60.0
SOON = 30.0


class Server:
    def __init__(self, script: Script, tls: ssl.SSLContext | None = None) -> None:
        self.script = script
        self.tls = tls
        self.connections = 0
        self.requests: list[bytes] = []
        self.url = ""
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> "Server":
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.tls)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.script(reader, writer, self)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def read_request(self, reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        self.requests.append(head)
        return head


def answering(*answers: bytes, keep_open: bool = True) -> Script:
    """Answers each request on a connection with the next of ``answers``."""

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        for answer in answers:
            await server.read_request(reader)
            writer.write(answer)
            await writer.drain()
        if keep_open:
            await reader.read()  # until the client closes

    return script


OK = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"


async def body_of(response: UpstreamReply) -> bytes:
    """The whole body; the connection is given back either way, as the proxy does."""
    pieces, finished = [], False
    try:
        while not finished:
            piece, finished = await response.read()
            pieces.append(piece)
    finally:
        response.release()
    return b"".join(pieces)


async def get(
    client: UpstreamClient,
    server: Server,
    method: str = "GET",
    read_timeout: float = PATIENT,
    connect_timeout: float = PATIENT,
) -> UpstreamReply:
    headers = [(b"x-who", b"me")]
    return await client.request(
        server.url, method, b"/v1/x?a=1", headers, connect_timeout=connect_timeout, read_timeout=read_timeout
    )


async def forever() -> None:
    """Waits until cancelled: an upstream that neither answers nor hangs up."""
    await asyncio.Event().wait()


async def test_answers_are_read_whole_and_the_connection_is_kept_alive() -> None:
    async with Server(answering(OK, OK)) as server:
        client = UpstreamClient(connections_per_upstream=4)
        for _ in range(2):
            response = await get(client, server)
            assert (response.status, await body_of(response)) == (200, b"hello")
        assert server.connections == 1
        assert server.requests[0].startswith(b"GET /v1/x?a=1 HTTP/1.1\r\nhost: 127.0.0.1:")
        assert b"\r\nx-who: me\r\n" in server.requests[0]
        await client.close()


async def test_the_request_carries_only_the_callers_headers_and_the_host() -> None:
    async with Server(answering(OK)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        await body_of(await get(client, server))
        names = [line.split(b":")[0] for line in server.requests[0].split(b"\r\n")[1:] if line]
        assert names == [b"host", b"x-who"]
        await client.close()


async def test_a_chunked_answer_streams_piece_by_piece() -> None:
    first_read = asyncio.Event()

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n")
        await writer.drain()
        await first_read.wait()  # the second piece only once the client has the first
        writer.write(b"6\r\nsecond\r\n0\r\n\r\n")
        await reader.read()

    async with Server(script) as server:
        client = UpstreamClient(connections_per_upstream=1)
        response = await get(client, server)
        first = await asyncio.wait_for(response.read(), SOON)  # the second piece is not sent yet
        first_read.set()
        assert first == (b"first", False)
        assert await body_of(response) == b"second"
        await client.close()


async def test_an_answer_without_length_ends_with_its_connection_which_is_not_reused() -> None:
    close_delimited = b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nall of it"
    async with Server(answering(close_delimited, keep_open=False)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        assert await body_of(await get(client, server)) == b"all of it"
        assert await body_of(await get(client, server)) == b"all of it"
        assert server.connections == 2
        await client.close()


async def test_a_head_answer_has_no_body_whatever_its_length_says() -> None:
    async def by_method(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while True:
            request = await server.read_request(reader)
            head_only = request.startswith(b"HEAD ")
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n" if head_only else OK)

    async with Server(by_method) as server:
        client = UpstreamClient(connections_per_upstream=1)
        response = await asyncio.wait_for(get(client, server, "HEAD"), SOON)
        assert (response.status, await asyncio.wait_for(body_of(response), SOON)) == (200, b"")
        assert await body_of(await get(client, server)) == b"hello"  # on a fresh connection
        assert server.connections == 2
        await client.close()


async def test_an_interim_answer_is_passed_over_for_the_final_one() -> None:
    interim_then_final = b"HTTP/1.1 100 Continue\r\n\r\n" + OK
    async with Server(answering(interim_then_final)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        response = await get(client, server)
        assert (response.status, await body_of(response)) == (200, b"hello")
        await client.close()


async def test_an_answer_cut_short_is_an_error_not_a_shorter_body() -> None:
    truncated = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf"
    async with Server(answering(truncated, keep_open=False)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        response = await get(client, server)
        with pytest.raises(UpstreamError):
            await body_of(response)
        await client.close()


async def test_an_answer_that_is_not_http_is_an_error() -> None:
    async with Server(answering(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")) as server:
        client = UpstreamClient(connections_per_upstream=1)
        with pytest.raises(UpstreamError):
            await get(client, server)
        await client.close()


async def test_an_upstream_silent_for_the_read_timeout_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        await reader.read()

    async with Server(silent) as server:
        client = UpstreamClient(connections_per_upstream=1)
        with pytest.raises(UpstreamReadTimeout):
            await get(client, server, read_timeout=0.2)
        await client.close()


async def test_a_slow_but_steady_stream_does_not_time_out() -> None:
    """The answer takes three read timeouts, but a piece comes in every turn of the event loop
    (the client's too): however slowly the machine runs, the upstream is never silent."""
    read_timeout, pieces = 0.3, 0

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        nonlocal pieces
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        loop = asyncio.get_running_loop()
        until = loop.time() + 3 * read_timeout
        while loop.time() < until:
            writer.write(b"1\r\n.\r\n")
            pieces += 1
            await asyncio.sleep(0)
        writer.write(b"0\r\n\r\n")
        await reader.read()

    async with Server(trickle) as server:
        client = UpstreamClient(connections_per_upstream=1)
        assert await body_of(await get(client, server, read_timeout=read_timeout)) == b"." * pieces
        await client.close()


async def test_a_refused_connection_is_an_error() -> None:
    async with Server(answering(OK)) as server:
        url = server.url
    client = UpstreamClient(connections_per_upstream=1)
    with pytest.raises(UpstreamError):
        await client.request(url, "GET", b"/", [], connect_timeout=1, read_timeout=1)
    await client.close()


async def body(*pieces: bytes) -> AsyncIterator[bytes]:
    for piece in pieces:
        yield piece


async def read_body(reader: asyncio.StreamReader, head: bytes) -> bytes:
    if b"transfer-encoding: chunked" in head:
        data = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            data += (await reader.readexactly(size + 2))[:-2]
            if size == 0:
                return data
    length = int(head.split(b"content-length: ")[1].split(b"\r\n")[0])
    return await reader.readexactly(length)


async def test_a_body_goes_as_given_with_its_length_or_chunked_without() -> None:
    received: list[bytes] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while True:
            head = await server.read_request(reader)
            received.append(await read_body(reader, head))
            writer.write(OK)

    async with Server(echo) as server:
        client = UpstreamClient(connections_per_upstream=1)
        framed = [(b"content-length", b"6")]
        pieces = body(b"abc", b"def")
        response = await client.request(
            server.url,
            "POST",
            b"/",
            framed,
            pieces,
            content_length=6,
            connect_timeout=PATIENT,
            read_timeout=PATIENT,
        )
        await body_of(response)
        response = await client.request(
            server.url,
            "POST",
            b"/",
            [],
            body(b"abc", b"", b"defg"),
            connect_timeout=PATIENT,
            read_timeout=PATIENT,
        )
        await body_of(response)
        assert received == [b"abcdef", b"abcdefg"]
        assert b"transfer-encoding: chunked" in server.requests[1]
        assert b"transfer-encoding" not in server.requests[0]
        await client.close()


async def test_a_large_answer_arrives_whole_through_the_paused_buffer() -> None:
    size = 3 * 1024 * 1024
    big = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % size + b"x" * size
    async with Server(answering(big)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        response = await get(client, server)
        await asyncio.sleep(0.2)  # the upstream sends faster than this reader takes
        assert len(await body_of(response)) == size
        await client.close()


def answering_after(seconds: float) -> Script:
    """Answers every request on a connection, each after ``seconds``."""

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while True:
            await server.read_request(reader)
            await asyncio.sleep(seconds)
            writer.write(OK)

    return script


async def test_at_the_connection_limit_requests_wait_for_a_free_connection() -> None:
    async with Server(answering_after(0.05)) as server:
        client = UpstreamClient(connections_per_upstream=2)

        async def one() -> bytes:
            return await body_of(await get(client, server))

        assert await asyncio.gather(*(one() for _ in range(6))) == [b"hello"] * 6
        assert server.connections == 2
        await client.close()


async def test_an_idle_connection_the_upstream_closed_is_not_used_again() -> None:
    async with Server(answering(OK, keep_open=False)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        assert await body_of(await get(client, server)) == b"hello"
        await asyncio.sleep(0.1)  # the upstream has closed its side by now
        assert await body_of(await get(client, server)) == b"hello"
        assert server.connections == 2
        await client.close()


async def test_a_failed_body_gives_its_connection_back_and_leaves_no_error_unretrieved(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def failing() -> AsyncIterator[bytes]:
        yield b"abc"
        raise ConnectionResetError("the client went away")

    async with Server(answering(OK)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        with pytest.raises(ConnectionResetError):
            await client.request(
                server.url, "POST", b"/", [], failing(), connect_timeout=PATIENT, read_timeout=PATIENT
            )
        # With the only connection given back (closed), the next request gets a new one at once.
        response = await asyncio.wait_for(get(client, server), SOON)
        assert await body_of(response) == b"hello"
        gc.collect()  # an unretrieved future's error is logged when it is collected
        assert not [record for record in caplog.records if "never retrieved" in record.getMessage()]
        await client.close()


async def test_framing_is_the_clients_own_whatever_headers_the_caller_passes() -> None:
    received: list[bytes] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        head = await server.read_request(reader)
        received.append(await read_body(reader, head))
        writer.write(OK)
        await reader.read()

    slipped = [
        (b"Content-Length", b"999"),
        (b"transfer-encoding", b"chunked"),
        (b"host", b"evil"),
        (b"connection", b"x"),
    ]
    async with Server(echo) as server:
        client = UpstreamClient(connections_per_upstream=1)
        response = await client.request(
            server.url,
            "POST",
            b"/",
            slipped,
            body(b"abc"),
            content_length=3,
            connect_timeout=PATIENT,
            read_timeout=PATIENT,
        )
        assert await body_of(response) == b"hello"
        head = server.requests[0].lower()
        assert (head.count(b"content-length"), head.count(b"transfer-encoding"), head.count(b"host:")) == (
            1,
            0,
            1,
        )
        assert b"content-length: 3\r\n" in head
        assert b"evil" not in head
        assert received == [b"abc"]
        await client.close()


async def test_a_target_with_spaces_or_line_breaks_is_never_sent() -> None:
    async with Server(answering(OK)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        for target in (b"/x HTTP/1.1\r\nhost: a\r\n\r\nGET /admin", b"/x\ny", b"/x\x00"):
            with pytest.raises(ValueError, match="not a request target"):
                await client.request(server.url, "GET", target, [], connect_timeout=1, read_timeout=1)
        assert server.requests == []
        await client.close()


async def test_bytes_after_the_answer_never_become_part_of_it_or_of_the_next() -> None:
    smuggled = OK + b"HTTP/1.1 302 Found\r\nlocation: https://evil\r\ncontent-length: 4\r\n\r\nEVIL"
    async with Server(answering(smuggled, OK)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        response = await get(client, server)
        assert (response.status, await body_of(response)) == (200, b"hello")
        assert all(name != b"location" for name, _ in response.headers)
        assert await body_of(await get(client, server)) == b"hello"
        assert server.connections == 2  # the poisoned connection was not reused
        await client.close()


async def test_an_answer_before_the_whole_body_is_sent_stops_the_upload() -> None:
    async def refuse_early(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server
    ) -> None:
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 413 Content Too Large\r\ncontent-length: 3\r\n\r\nbig")
        await writer.drain()
        await forever()  # reads nothing of the body

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"x" * 65536

    async with Server(refuse_early) as server:
        client = UpstreamClient(connections_per_upstream=1)
        request = client.request(
            server.url, "POST", b"/", [], endless(), connect_timeout=PATIENT, read_timeout=PATIENT
        )
        response = await asyncio.wait_for(request, SOON)
        assert (response.status, await body_of(response)) == (413, b"big")
        await client.close()


async def test_an_upstream_that_takes_none_of_the_body_times_out() -> None:
    async def deaf(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        await forever()

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"x" * 65536

    async with Server(deaf) as server:
        client = UpstreamClient(connections_per_upstream=1)
        with pytest.raises(UpstreamReadTimeout):
            await asyncio.wait_for(
                client.request(
                    server.url, "POST", b"/", [], endless(), connect_timeout=PATIENT, read_timeout=0.3
                ),
                SOON,
            )
        await client.close()


async def test_a_body_without_length_cut_by_our_timeout_is_an_error_not_a_short_answer() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\npart")
        await forever()

    async with Server(stall) as server:
        client = UpstreamClient(connections_per_upstream=1)
        response = await get(client, server, read_timeout=0.2)
        with pytest.raises(UpstreamReadTimeout):
            await body_of(response)
        await client.close()


async def test_a_waiter_cancelled_as_it_is_woken_passes_the_connection_on() -> None:
    async with Server(answering(OK, OK, OK)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        holding = await get(client, server)
        cancelled = asyncio.create_task(get(client, server))
        next_in_line = asyncio.create_task(get(client, server))
        await asyncio.sleep(0.05)  # both wait for the only connection
        assert await body_of(holding) == b"hello"  # gives it back: wakes the first waiter...
        cancelled.cancel()  # ...which leaves in the same loop turn
        response = await asyncio.wait_for(next_in_line, SOON)
        assert await body_of(response) == b"hello"
        await client.close()


def certificate_authority(directory: Path) -> tuple[Path, ssl.SSLContext]:
    """A CA file, and a server context whose certificate (for 127.0.0.1) that CA signed."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test upstream CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, chain_file, key_file = directory / "ca.pem", directory / "server.pem", directory / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    chain_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(chain_file, key_file)
    return ca_file, context


async def test_an_https_upstream_is_trusted_only_through_the_configured_ca(tmp_path: Path) -> None:
    ca_file, server_tls = certificate_authority(tmp_path)
    async with Server(answering(OK), tls=server_tls) as server:
        trusting = UpstreamClient(connections_per_upstream=1, ca_file=str(ca_file))
        response = await trusting.request(
            server.url, "GET", b"/", [], connect_timeout=PATIENT, read_timeout=PATIENT
        )
        assert (response.status, await body_of(response)) == (200, b"hello")
        await trusting.close()

        system_cas_only = UpstreamClient(connections_per_upstream=1)
        with pytest.raises(UpstreamError, match="certificate verify failed"):
            await system_cas_only.request(
                server.url, "GET", b"/", [], connect_timeout=PATIENT, read_timeout=PATIENT
            )
        await system_cas_only.close()


async def test_a_header_with_a_line_break_or_nul_is_never_sent() -> None:
    async with Server(answering(OK)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        for header in (
            (b"x-a", b"1\r\nx-injected: 2"),
            (b"x-a", b"1\nx"),
            (b"x-a\r\nx-b", b"1"),
            (b"x-a", b"\x00"),
        ):
            with pytest.raises(ValueError, match="line break or NUL"):
                await client.request(server.url, "GET", b"/", [header], connect_timeout=1, read_timeout=1)
        assert server.requests == []
        await client.close()


async def test_at_the_limit_requests_are_served_in_arrival_order_however_many_wait() -> None:
    async with Server(answering_after(0.001)) as server:
        client = UpstreamClient(connections_per_upstream=1)
        served: list[int] = []

        async def one(number: int) -> None:
            # The last in line waits for all the others, as long as the machine takes for them:
            # how long a request may wait is not what this test is about, so none gives up.
            await body_of(await get(client, server, connect_timeout=600))
            served.append(number)

        waiting = []
        for number in range(1500):  # more than the interpreter's recursion limit
            waiting.append(asyncio.create_task(one(number)))
            await asyncio.sleep(0)  # arrives after the one before
        await asyncio.gather(*waiting)
        assert served == list(range(1500))
        await client.close()


async def test_when_every_connection_stays_busy_the_request_is_refused_as_busy() -> None:
    async def stuck(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        await forever()

    async with Server(stuck) as server:
        client = UpstreamClient(connections_per_upstream=1)
        holding = asyncio.create_task(get(client, server))
        await asyncio.sleep(0.05)  # its first step takes the only connection
        with pytest.raises(UpstreamBusy):
            await client.request(server.url, "GET", b"/", [], connect_timeout=0.2, read_timeout=PATIENT)
        holding.cancel()
        await client.close()


async def closing_on_the_second_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server
) -> None:
    """Answers the first request on a connection, then closes as the next one comes in, as an
    upstream does whose keep-alive ran out at that moment."""
    await server.read_request(reader)
    writer.write(OK)
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")


async def test_a_replayable_request_on_a_kept_alive_connection_closed_under_it_goes_again() -> None:
    async with Server(closing_on_the_second_request) as server:
        client = UpstreamClient(connections_per_upstream=1)
        assert await body_of(await get(client, server)) == b"hello"
        assert await body_of(await get(client, server)) == b"hello"  # once more, on a new connection
        assert server.connections == 2
        with pytest.raises(UpstreamError):  # not a POST: the upstream may have acted on it
            await client.request(
                server.url, "POST", b"/", [], content_length=0, connect_timeout=PATIENT, read_timeout=PATIENT
            )
        await client.close()


VALID_ANSWERS = (
    OK,
    b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end",
)


def mangled(rng: random.Random) -> bytes:
    answer = bytearray(rng.choice(VALID_ANSWERS))
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(len(answer))
        match rng.randrange(4):
            case 0:
                del answer[at:]  # cut short
            case 1:
                answer[at:at] = rng.choice([b"\r\n", b"0", b"HTTP/1.1 200 OK\r\n\r\n", b"\x00", b":"])
            case 2:
                answer[at] = rng.randrange(256)
            case _:
                answer += bytes(answer)  # twice over
        if not answer:
            answer += b"H"
    return bytes(answer)


async def test_whatever_an_upstream_sends_the_client_ends_cleanly_and_never_mixes_answers() -> None:
    """Seeded fuzzing: broken answers end in an answer or one of the client's errors, within the
    read timeout, and the next request on the same client gets its own answer or an error."""
    rng = random.Random(20261126)
    first_answers: list[bytes] = []

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        answer = first_answers.pop()
        await server.read_request(reader)
        for start in range(0, len(answer), step := rng.randint(1, 40)):
            writer.write(answer[start : start + step])
            await writer.drain()
        while True:  # later requests on this connection get a well-formed answer
            await server.read_request(reader)
            writer.write(OK)

    async with Server(script) as server:
        for _ in range(100):
            first_answers.append(mangled(rng))
            client = UpstreamClient(connections_per_upstream=1)
            connections_before = server.connections
            with contextlib.suppress(UpstreamError, UpstreamReadTimeout):
                await asyncio.wait_for(body_of(await get(client, server, read_timeout=0.1)), SOON)
            try:
                first_answers.append(mangled(rng))  # for a new connection, if one is made
                response = await asyncio.wait_for(get(client, server, read_timeout=0.1), SOON)
                second = (response.status, await asyncio.wait_for(body_of(response), SOON))
            except (UpstreamError, UpstreamReadTimeout):
                second = None
            # Kept alive only at a clean end of an answer: then the next answer is the server's own.
            if server.connections == connections_before + 1 and second is not None:
                assert second == (200, b"hello")
            first_answers.clear()
            await client.close()
