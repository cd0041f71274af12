"""Language detection labels what it is given by script, lexicon and lingua, and says how sure it is."""

import pytest

from adapters.vaani.language import LinguaLanguageDetector

ENGLISH = [
    "The warehouse in Pune received forty boxes this morning.",
    "Please send the invoice to our accounts team before Friday.",
    "Our support team will call you back within two hours.",
]
HINDI = [
    "आज सुबह पुणे के गोदाम में चालीस डिब्बे पहुँचे।",
    "मेरा नाम राहुल है और मैं दिल्ली में रहता हूँ।",
    "कृपया शुक्रवार से पहले बिल हमारी टीम को भेज दीजिए।",
    "बच्चे बगीचे में खेल रहे हैं।",
]
MARATHI = [
    "आज सकाळी पुण्याच्या गोदामात चाळीस खोकी आली.",
    "माझे नाव राहुल आहे आणि मी पुण्यात राहतो.",
    "कृपया शुक्रवारपूर्वी बिल आमच्या टीमला पाठवा.",
    "मुले बागेत खेळत आहेत.",
]
SANSKRIT = [
    "धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः। मामकाः पाण्डवाश्चैव किमकुर्वत सञ्जय॥",
    "ॐ भूर्भुवः स्वः तत्सवितुर्वरेण्यं भर्गो देवस्य धीमहि धियो यो नः प्रचोदयात्॥",
    "कर्मण्येवाधिकारस्ते मा फलेषु कदाचन। मा कर्मफलहेतुर्भूर्मा ते सङ्गोऽस्त्वकर्मणि॥",
]
OWN_SCRIPTS = [
    ("ta", "Tamil", "நான் சென்னையில் வசிக்கிறேன்"),
    ("te", "Telugu", "నేను హైదరాబాద్‌లో నివసిస్తున్నాను"),
    ("kn", "Kannada", "ನಾನು ಬೆಂಗಳೂರಿನಲ್ಲಿ ವಾಸಿಸುತ್ತೇನೆ"),
    ("ml", "Malayalam", "ഞാൻ കൊച്ചിയിൽ താമസിക്കുന്നു"),
    ("gu", "Gujarati", "હું અમદાવાદમાં રહું છું"),
    ("bn", "Bengali", "আমি কলকাতায় থাকি"),
]


@pytest.fixture(scope="module")
def detector() -> LinguaLanguageDetector:
    return LinguaLanguageDetector()


@pytest.mark.parametrize(
    ("language", "script", "text"),
    [("en", "Latin", t) for t in ENGLISH]
    + [("hi", "Devanagari", t) for t in HINDI]
    + [("mr", "Devanagari", t) for t in MARATHI],
)
async def test_english_hindi_and_marathi_sentences_are_labelled_correctly(
    detector: LinguaLanguageDetector, language: str, script: str, text: str
) -> None:
    detected = await detector.detect(text)

    assert (detected.language, detected.script) == (language, script)
    assert 0.5 < detected.confidence <= 1.0


@pytest.mark.parametrize("verse", SANSKRIT, ids=["gita-1.1", "gayatri", "gita-2.47"])
async def test_sanskrit_verses_are_told_apart_from_hindi_and_marathi_by_lexicon(
    detector: LinguaLanguageDetector, verse: str
) -> None:
    detected = await detector.detect(verse)

    assert (detected.language, detected.script, detected.engine) == ("sa", "Devanagari", "sanskrit-lexicon")
    assert 0.34 <= detected.confidence < 1.0, "no model knows Sanskrit, so it is never reported as certain"


@pytest.mark.parametrize(("language", "script", "text"), OWN_SCRIPTS)
async def test_a_language_with_a_script_of_its_own_is_known_by_that_script(
    detector: LinguaLanguageDetector, language: str, script: str, text: str
) -> None:
    detected = await detector.detect(text)

    assert (detected.language, detected.script, detected.engine) == (language, script, "script")


@pytest.mark.parametrize("text", ["", "12345 !!! 🙏🙏", "   "])
async def test_text_without_letters_has_no_language(detector: LinguaLanguageDetector, text: str) -> None:
    detected = await detector.detect(text)

    assert (detected.language, detected.confidence, detected.script) == (None, 0.0, "Unknown")
