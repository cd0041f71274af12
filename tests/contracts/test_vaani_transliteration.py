"""Transliteration keeps verses exact both ways and names the schemes it knows when asked for another."""

import pytest

from adapters.vaani.transliteration import IndicTransliterator
from core.ports.vaani import UnknownScheme

GITA_1_1 = "धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः। मामकाः पाण्डवाश्चैव किमकुर्वत सञ्जय॥"
GITA_2_47 = "कर्मण्येवाधिकारस्ते मा फलेषु कदाचन। मा कर्मफलहेतुर्भूर्मा ते सङ्गोऽस्त्वकर्मणि॥"
GAYATRI = "ॐ भूर्भुवः स्वः तत्सवितुर्वरेण्यं भर्गो देवस्य धीमहि धियो यो नः प्रचोदयात्॥"
PAVAMANA = "असतो मा सद्गमय। तमसो मा ज्योतिर्गमय। मृत्योर्मा अमृतं गमय॥"
VERSES = pytest.mark.parametrize(
    "verse", [GITA_1_1, GITA_2_47, GAYATRI, PAVAMANA], ids=["gita-1.1", "gita-2.47", "gayatri", "pavamana"]
)


@pytest.fixture
def transliterator() -> IndicTransliterator:
    return IndicTransliterator()


async def test_the_first_verse_of_the_gita_reads_as_scholars_write_it_in_iast(
    transliterator: IndicTransliterator,
) -> None:
    iast = await transliterator.transliterate(GITA_1_1, source="devanagari", target="iast")

    assert iast.startswith("dharmakṣetre kurukṣetre samavetā yuyutsavaḥ")
    assert "sañjaya" in iast


@VERSES
async def test_devanagari_to_iast_and_back_is_exact(transliterator: IndicTransliterator, verse: str) -> None:
    iast = await transliterator.transliterate(verse, source="devanagari", target="iast")

    assert await transliterator.transliterate(iast, source="iast", target="devanagari") == verse


@VERSES
@pytest.mark.parametrize("scheme", ["itrans", "hk", "slp1"])
async def test_the_ascii_schemes_round_trip_too(
    transliterator: IndicTransliterator, verse: str, scheme: str
) -> None:
    roman = await transliterator.transliterate(verse, source="devanagari", target=scheme)

    assert roman.isascii()
    assert await transliterator.transliterate(roman, source=scheme, target="devanagari") == verse


async def test_an_unknown_scheme_is_refused_with_the_valid_ones_listed(
    transliterator: IndicTransliterator,
) -> None:
    with pytest.raises(UnknownScheme) as refused:
        await transliterator.transliterate("namaste", source="pinyin", target="devanagari")

    assert refused.value.extensions["scheme"] == "pinyin"
    assert {"devanagari", "iast", "itrans", "hk"} <= set(refused.value.extensions["valid"])  # type: ignore[arg-type]
    assert "iast" in refused.value.detail
