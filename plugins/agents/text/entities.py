"""Emails, phone numbers (Indian formats first), URLs and dates found by regular expressions."""

import re

import msgspec

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()]+[^\s<>\"'().,;:!?]")
PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+91|0091)[\s-]?[6-9]\d{4}[\s-]?\d{5}"  # Indian mobile, international form
    r"|0?[6-9]\d{4}[\s-]?\d{5}"  # Indian mobile, national form: 98765 43210, 09876543210
    r"|(?:\+91[\s-]?|0)\d{2,4}[\s-]\d{6,8}"  # Indian landline with its STD code: 022-24567890
    r"|\+\d{1,3}[\s-]?\(?\d{1,4}\)?(?:[\s-]?\d{2,4}){2,4}"  # other international numbers
    r")(?!\d)"
)
DATE = re.compile(
    r"\b(?:"
    r"\d{4}-\d{2}-\d{2}"  # 2026-03-15
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"  # 15/03/2026, 15.03.26
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"  # 15 March 2026
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 15, 2026
    r")(?!\d)",
    re.IGNORECASE,
)


class Entities(msgspec.Struct, frozen=True, kw_only=True):
    emails: list[str]
    phones: list[str]
    urls: list[str]
    dates: list[str]

    @property
    def count(self) -> int:
        return len(self.emails) + len(self.phones) + len(self.urls) + len(self.dates)


def find_entities(text: str) -> Entities:
    emails = _unique(EMAIL.findall(text))
    without_emails = EMAIL.sub(" ", text)  # so an address's digits are not read as a phone
    urls = _unique(URL.findall(without_emails))
    rest = URL.sub(" ", without_emails)
    dates = _unique(DATE.findall(rest))
    phones = _unique(match.strip() for match in PHONE.findall(DATE.sub(" ", rest)))
    return Entities(emails=emails, phones=phones, urls=urls, dates=dates)


def _unique(found: object) -> list[str]:
    return list(dict.fromkeys(found))  # type: ignore[call-overload]
