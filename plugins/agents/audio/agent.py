"""The Audio agent: a recording of the caller's transcribed or measured, or a text spoken.

Three modes, named in the inputs or read from the words (``requests.py``): ``transcribe`` hands
the recording to the ``SpeechRecognizer`` port (text, timed segments, language); ``facts``
measures a WAV file itself (duration, sample rate, channels, RMS and peak level, share of silence:
``wavfacts.py``) and, for other formats, takes the duration from a transcript when a recogniser
is here, else says it can measure WAV only; ``speak`` says the text (without the "say:" around
it, or the previous answer when nothing else is given) through the ``SpeechSynthesizer`` and
stores the audio in the caller's files, its id in ``attachments``. A missing port or engine is
named in the answer, and what can still be told is told.
"""

import asyncio
from typing import Any, ClassVar

import msgspec

from core.domain.errors import RuleViolated
from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, Source
from core.ports.errors import Unavailable
from core.ports.files import FileContent, MediaRejected
from core.ports.vaani import CapabilityMissing, SpeechRecognizer, SpeechRequest, SpeechSynthesizer
from plugins.agents.audio.requests import Mode, devanagari, mode_of, to_speak
from plugins.agents.audio.wavfacts import NotMeasurable, is_wav, measure
from plugins.inputs import read_inputs

NEEDS_FILE = (
    'Give me a recording to work on (its file id as file_id), or ask me to say something: "say: <text>".'
)


class AudioOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    mode: Mode | None = None
    """Read from the words when not given: ``speak`` without a file, else ``facts`` or ``transcribe``."""
    file_id: str | None = None
    """A recording in the caller's files (transcribe, facts)."""
    language: str | None = None
    """ISO 639-1: the recording's language (else detected), or the language to speak."""
    voice: str | None = None
    """An engine voice name to speak with; None picks the language's default."""


class AudioAgent(Agent):
    name = "audio"
    title = "Audio"
    description = (
        "Transcribes a recording (text with timed segments and its language), measures one "
        "(duration, sample rate, channels, loudness, share of silence) or reads a text aloud into "
        "an audio file; says which capability is missing when this platform lacks one."
    )
    version = "0.1.0"
    examples = (
        "Transcribe this recording",
        "What is said in this audio file?",
        "How long is this recording and how loud is it?",
        "Read this aloud: the meeting starts at ten",
        "Say: good morning everyone",
        "write down what the voice note says",
        "is there a lot of silence in this clip",
        "turn this sentence into speech",
        "make an audio of this announcement",
        "give me a transcript of the call recording",
        "is audio ko text mein likho",
        "namaste bolkar sunao",
        "recording kitni lambi hai aur awaaz kitni tez hai",
        "voice note me kya bola hai likh ke do",
        "is line ko awaaz me sunao",
        "इस ऑडियो को लिखो",
        "यह वाक्य बोलकर सुनाओ",
        "इस रिकॉर्डिंग में क्या कहा गया है, लिखकर दो",
        "यह ऑडियो कितना लंबा है और आवाज़ कितनी तेज़ है",
        "इस घोषणा को आवाज़ में बदल दो",
    )
    keywords: ClassVar[tuple[str, ...]] = (
        "audio",
        "recording",
        "transcribe",
        "transcript",
        "aloud",
        "bolkar",
        "sunao",
        "ऑडियो",
        "रिकॉर्डिंग",
        "सुनाओ",
    )
    input_schema = AudioOptions
    # Whisper tiny.en runs at 0.4-0.7 x real time on two cores (decision 0036): about three minutes
    # of recording. Longer ones also need the gateway's read timeout raised for orchestration.
    timeout_seconds = 120.0

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        options = read_inputs(task, AudioOptions)
        mode = options.mode or mode_of(task.text, has_file=options.file_id is not None)
        if mode == "speak":
            return await _speak(task, options, context)
        if mode is None or options.file_id is None:
            return AgentResult(answer=NEEDS_FILE, engine="rules", confidence=0.0, language=task.language)
        stored = await context.files.get(options.file_id)
        if not stored.file.content_type.lower().startswith("audio/"):
            raise RuleViolated(
                f"file {options.file_id} is {stored.file.content_type}; the audio agent reads audio only",
                file_id=options.file_id,
            )
        if mode == "transcribe":
            return await _transcribe(task, options, stored, context)
        return await _facts(task, stored, context)


async def _transcribe(
    task: AgentTask, options: AudioOptions, stored: FileContent, context: AgentContext
) -> AgentResult:
    try:
        recognizer: SpeechRecognizer = context.port(SpeechRecognizer)
        transcript = await recognizer.transcribe(
            stored.data, content_type=stored.file.content_type, language=options.language
        )
    except (LookupError, Unavailable) as error:
        # Without a recogniser, what the bytes themselves tell is still worth saying.
        facts = await _facts(task, stored, context)
        missing = _missing("speech_recognition", error)
        return msgspec.structs.replace(
            facts,
            answer=f"I cannot transcribe here: {missing['reason']}.\n{facts.answer}",
            confidence=min(facts.confidence, 0.3),
            data={**(facts.data or {}), "mode": "transcribe", "missing": [missing]},
        )
    segments = [{"start_s": s.start_s, "end_s": s.end_s, "text": s.text.strip()} for s in transcript.segments]
    heard = transcript.text.strip()
    timed = "\n".join(f"[{s['start_s']:.1f}-{s['end_s']:.1f} s] {s['text']}" for s in segments)
    return AgentResult(
        answer=f"{heard}\n\n{timed}" if heard and len(segments) > 1 else heard or "No speech was heard.",
        engine=transcript.engine,
        confidence=0.8 if heard else 0.3,
        sources=(_source(stored),),
        data={
            "mode": "transcribe",
            "text": heard,
            "language": transcript.language,
            "duration_s": transcript.duration_s,
            "segments": segments,
            "engine": transcript.engine,
        },
        language=transcript.language,
    )


async def _facts(task: AgentTask, stored: FileContent, context: AgentContext) -> AgentResult:
    if is_wav(stored.data):
        try:
            facts = await asyncio.to_thread(measure, stored.data)
        except NotMeasurable as error:
            return _unmeasured(task, stored, str(error))
        data = {"mode": "facts", "format": "wav", "measured_by": "wav", **msgspec.to_builtins(facts)}
        level = f"{facts.rms_dbfs} dBFS RMS" if facts.rms_dbfs is not None else "digital silence"
        answer = (
            f"{facts.duration_s:.2f} s of {facts.channels}-channel {facts.bits_per_sample}-bit WAV at "
            f"{facts.sample_rate} Hz; loudness {level}, peak {facts.peak_dbfs} dBFS; "
            f"{facts.silence_share:.0%} silence."
        )
        return AgentResult(
            answer=answer,
            engine="rules",
            confidence=0.95,
            sources=(_source(stored),),
            data=data,
            language=task.language,
        )
    try:
        recognizer: SpeechRecognizer = context.port(SpeechRecognizer)
        transcript = await recognizer.transcribe(stored.data, content_type=stored.file.content_type)
    except (LookupError, Unavailable, MediaRejected):
        return _unmeasured(task, stored, f"it is {stored.file.content_type}, not WAV")
    return AgentResult(
        answer=(
            f"{transcript.duration_s:.2f} s long (from its transcript). Sample rate, loudness and "
            "silence I can measure in WAV recordings only."
        ),
        engine=transcript.engine,
        confidence=0.6,
        sources=(_source(stored),),
        data={"mode": "facts", "measured_by": "transcript", "duration_s": transcript.duration_s},
        language=task.language,
    )


def _unmeasured(task: AgentTask, stored: FileContent, why: str) -> AgentResult:
    return AgentResult(
        answer=f"I can measure WAV recordings only, and cannot measure this one: {why}.",
        engine="rules",
        confidence=0.1,
        sources=(_source(stored),),
        data={"mode": "facts", "measured_by": None, "content_type": stored.file.content_type},
        language=task.language,
    )


async def _speak(task: AgentTask, options: AudioOptions, context: AgentContext) -> AgentResult:
    text = to_speak(task.text) or await _previous_answer(context)
    if not text:
        return AgentResult(answer="There is no text to speak.", engine="rules", confidence=0.0)
    language = options.language or ("hi" if devanagari(text) else task.language or "en")
    try:
        synthesizer: SpeechSynthesizer = context.port(SpeechSynthesizer)
        speech = await synthesizer.synthesize(
            SpeechRequest(text=text, language=language, voice=options.voice)
        )
    except (LookupError, Unavailable) as error:
        missing = _missing("speech_synthesis", error)
        return AgentResult(
            answer=f"I cannot speak here: {missing['reason']}.",
            engine="rules",
            confidence=0.1,
            data={"mode": "speak", "text": text, "missing": [missing]},
            language=language,
        )
    try:
        stored = await context.files.put(
            speech.audio, content_type=speech.content_type, owner=context.caller.subject
        )
    except MediaRejected as error:  # the store's limits are the platform's, not the caller's doing
        return AgentResult(
            answer=f"The speech was made but could not be stored: {error}.",
            engine=speech.engine,
            confidence=0.1,
            data={"mode": "speak", "text": text},
            language=language,
        )
    note = f" ({speech.note})" if speech.note else ""
    return AgentResult(
        answer=f"Spoken in {speech.language}{note}, {speech.duration_s:.1f} s: file {stored.id}.",
        engine=speech.engine,
        confidence=0.9,
        sources=(Source(kind="input", id="text", excerpt=text[:200]),),
        data={
            "mode": "speak",
            "text": text,
            "file_id": stored.id,
            "content_type": speech.content_type,
            "language": speech.language,
            "voice": speech.voice,
            "duration_s": speech.duration_s,
            "sample_rate": speech.sample_rate,
            "note": speech.note,
        },
        language=language,
        attachments=(stored.id,),
    )


async def _previous_answer(context: AgentContext) -> str:
    """After an answer, "read this aloud" means that answer."""
    turns = await context.memory.history()
    return next((t.get("content", "") for t in reversed(turns) if t.get("role") == "assistant"), "").strip()


def _missing(capability: str, error: Exception) -> dict[str, Any]:
    if isinstance(error, CapabilityMissing):
        return {
            "capability": error.capability,
            "package": error.package,
            "package_kind": error.package_kind,
            "reason": str(error),
        }
    if isinstance(error, LookupError):
        return {"capability": capability, "reason": f"{capability} is not offered by this platform"}
    return {"capability": capability, "reason": str(error)}


def _source(stored: FileContent) -> Source:
    file = stored.file
    return Source(kind="file", id=file.id, reference=f"{file.content_type}, {file.size} bytes")
