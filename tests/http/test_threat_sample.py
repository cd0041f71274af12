"""The threat screen reads each request as its receiver (Litestar) will: a value read one way by
the screen and another way by the handler is a way past the screen."""

import base64
import json

import pytest
from litestar._parsers import parse_cookie_string, parse_url_encoded_form_data

from adapters.http.gateway.threat_sample import UninspectableRequest, body_kind, sample_of
from adapters.http.media_type import media_type

XSS = "<script>alert(1)</script>"


def scope(query: bytes = b"") -> dict[str, object]:
    return {"method": "POST", "path": "/x", "raw_path": b"/x", "query_string": query}


def values(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The pairs without the entries that carry their names (``name#key``)."""
    return [(name, value) for name, value in pairs if not name.endswith("#key")]


@pytest.mark.parametrize(
    "cookie",
    [
        f"a={XSS}; b",  # a bare word: the standard library's parser gives up on the whole header
        "a=' OR '1'='1' --",  # spaces in a value
        f"path=1; a={XSS}",  # a reserved attribute name
        f"$a={XSS}",
        "a=%3Cscript%3Ealert(1)%3C/script%3E; b",  # percent-encoded
        'a="\\074script\\076alert(1)"',  # quoted, with octal escapes
        "=x; ;a=1=2",
    ],
)
def test_cookies_are_split_as_litestar_splits_them(cookie: str) -> None:
    sample = sample_of(scope(), [(b"cookie", cookie.encode())], None, "192.0.2.1")

    assert dict(values(sample.cookies)) == parse_cookie_string(cookie)


def test_every_copy_of_a_repeated_header_is_read() -> None:
    headers = [
        (b"user-agent", XSS.encode()),
        (b"user-agent", b"Mozilla/5.0"),
        (b"cookie", f"a={XSS}".encode()),
        (b"cookie", b"b=1"),
        (b"referer", b"http://x/?a=1"),
        (b"referer", b"http://x/#' OR '1'='1"),
    ]
    sample = sample_of(scope(), headers, None, "192.0.2.1")

    assert [value for name, value in sample.headers if name == "user-agent"] == [XSS, "Mozilla/5.0"]
    assert values(sample.cookies) == [("a", XSS), ("b", "1")]
    assert len([name for name, _ in sample.headers if name == "referer"]) == 2


def test_two_content_types_are_refused_since_readers_would_not_agree_on_one() -> None:
    headers = [(b"content-type", b"application/json"), (b"content-type", b"text/plain")]

    with pytest.raises(UninspectableRequest) as refused:
        body_kind(headers)

    assert (refused.value.status, refused.value.code) == (400, "malformed_request")


@pytest.mark.parametrize(
    "declared", [b"application/json\xa0", b"\x85application/json", b"Application/JSON; x=1"]
)
def test_a_content_type_is_read_as_the_route_check_reads_it(declared: bytes) -> None:
    assert media_type(declared) == "application/json"
    assert body_kind([(b"content-type", declared)]) == "json"


def test_a_form_body_is_decoded_as_litestar_decodes_it() -> None:
    body = b"username=x'\xa0OR\xa01=1\xa0--&note=caf%C3%A9&empty="
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]

    sample = sample_of(scope(), headers, body, "192.0.2.1")

    assert dict(values(sample.body)) == parse_url_encoded_form_data(body)


def test_client_credentials_in_http_basic_are_read() -> None:
    encoded = base64.b64encode(b"' OR '1'='1' --:s3cret%21").decode()
    sample = sample_of(scope(), [(b"authorization", f"Basic {encoded}".encode())], None, "192.0.2.1")

    assert ("basic-auth.client_id", "' OR '1'='1' --") in sample.headers
    assert ("basic-auth.client_secret", "s3cret!") in sample.headers


def test_json_nested_too_deeply_to_read_is_refused_not_a_server_error() -> None:
    body = ("[" * 5000 + "]" * 5000).encode()

    with pytest.raises(UninspectableRequest) as refused:
        sample_of(scope(), [(b"content-type", b"application/json")], body, "192.0.2.1")

    assert (refused.value.status, refused.value.code) == (400, "malformed_request")


def test_json_leaves_keep_their_paths_and_order() -> None:
    body = json.dumps({"a": "1", "b": [{"c": "2"}, "3"]}).encode()
    sample = sample_of(scope(), [(b"content-type", b"application/json")], body, "192.0.2.1")

    assert sample.body == [
        ("$.a#key", "a"),
        ("$.a", "1"),
        ("$.b#key", "b"),
        ("$.b[0].c#key", "c"),
        ("$.b[0].c", "2"),
        ("$.b[1]", "3"),
    ]


def test_names_of_query_form_and_cookie_values_are_read_too() -> None:
    headers = [(b"cookie", f"{XSS}=v".encode()), (b"content-type", b"application/x-www-form-urlencoded")]
    sample = sample_of(scope(f"{XSS}=1".encode()), headers, f"{XSS}=2".encode(), "192.0.2.1")

    for pairs in (sample.query, sample.cookies, sample.body):
        assert (f"{XSS}#key", XSS) in pairs
