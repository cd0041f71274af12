"""Server-sent events (the WHATWG event-stream format), as far as chat streams use them."""

from collections.abc import AsyncIterator


async def sse_data(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """The data of each event: its ``data:`` lines joined by newlines. Comments (``:``) and the
    ``event``, ``id`` and ``retry`` fields carry nothing a chat stream needs."""
    data: list[str] = []
    async for line in lines:
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value.removeprefix(" "))
    if data:  # a last event not followed by a blank line
        yield "\n".join(data)
