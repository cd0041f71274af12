"""Which findings refuse a request and which count as strikes, by the field they were found in,
and the inspection budget that bounds what one client costs the gateway."""

import random
import string

import pytest

from adapters.inspection.detectors.inspector import Inspector
from core.domain.threat.budget import InspectionBudget
from core.domain.threat.fields import ContentFields, FieldRule, rule_for
from core.domain.threat.model import AttackKind, Finding, Location, RequestSample, Verdict
from core.domain.threat.policy import ThreatPolicy, strikes, verdict_for
from tests.support.fake_clock import FakeClock

POLICY = ThreatPolicy()
TICKET = ContentFields(["description", "comments[].text"])


def sqli(field: str, score: float = 1.0, location: Location = Location.BODY) -> Finding:
    return Finding(kind=AttackKind.SQLI, score=score, location=location, field=field)


@pytest.mark.parametrize(
    ("field", "rule"),
    [
        ("$.description", FieldRule.CONTENT),
        ("description", FieldRule.CONTENT),  # a form field
        ("$.comments[7].text", FieldRule.CONTENT),
        ("$.description.steps[0]", FieldRule.CONTENT),  # JSON pasted into a ticket
        ("$.subject", FieldRule.STRICT),
        ("$.comments[7].author", FieldRule.STRICT),
        ("$.description#key", FieldRule.STRICT),
        ("$.descriptions", FieldRule.STRICT),
        ("$.password", FieldRule.SECRET),
        ("$.new_password", FieldRule.SECRET),
    ],
)
def test_a_field_is_secret_content_or_strict(field: str, rule: FieldRule) -> None:
    assert rule_for(sqli(field), TICKET) is rule


def test_a_query_value_is_strict_even_when_its_name_is_a_content_field() -> None:
    assert rule_for(sqli("description", location=Location.QUERY), TICKET) is FieldRule.STRICT


def test_strict_fields_refuse_and_strike_at_the_usual_bar() -> None:
    findings = [sqli("$.subject", score=0.5)]

    assert verdict_for(findings, POLICY, TICKET) is Verdict.BLOCK_REQUEST
    assert strikes(findings, POLICY, TICKET)


def test_content_is_never_refused_by_default_and_never_strikes() -> None:
    findings = [sqli("$.description", score=1.0)]

    assert verdict_for(findings, POLICY, TICKET) is Verdict.ALLOW
    assert not strikes(findings, POLICY, TICKET)


def test_content_is_refused_above_its_own_bar_when_one_is_set_and_still_never_strikes() -> None:
    policy = ThreatPolicy(content_block_score=0.95)

    assert verdict_for([sqli("$.description", score=0.9)], policy, TICKET) is Verdict.ALLOW
    assert verdict_for([sqli("$.description", score=1.0)], policy, TICKET) is Verdict.BLOCK_REQUEST
    assert not strikes([sqli("$.description", score=1.0)], policy, TICKET)


def test_secret_fields_are_never_refused_and_never_strike() -> None:
    findings = [sqli("$.password", score=1.0)]

    assert verdict_for(findings, POLICY) is Verdict.ALLOW
    assert not strikes(findings, POLICY)


def test_strong_random_passwords_are_never_refused_though_some_look_like_attacks() -> None:
    """What password managers make: 20 characters with punctuation. As plain values some of them
    score as attacks; as passwords (secret fields) none is ever refused."""
    generator = random.Random(20261203)
    alphabet = string.ascii_letters + string.digits + string.punctuation
    inspector = Inspector()
    passwords = ["".join(generator.choice(alphabet) for _ in range(20)) for _ in range(2000)]

    refused_as_passwords = []
    refused_as_names = 0
    for password in passwords:
        body = [("password", password), ("$.user.new_password", password), ("nickname", password)]
        findings = inspector.inspect_request(RequestSample(method="POST", path="/", body=body))
        secret = [f for f in findings if f.field != "nickname"]
        if verdict_for(secret, POLICY) is not Verdict.ALLOW:
            refused_as_passwords.append(password)
        refused_as_names += verdict_for(findings, POLICY) is not Verdict.ALLOW

    assert refused_as_passwords == []
    assert refused_as_names > 0, "the set holds passwords that look like attacks as other values"


def test_a_clients_inspection_budget_is_spent_then_refills() -> None:
    clock = FakeClock()
    budget = InspectionBudget(per_minute=6.0, clock=clock)

    budget.spend("user:a", 6.5)

    assert budget.remaining("user:a") < 0
    assert budget.remaining("user:b") == 6.0, "each client has its own"
    assert budget.retry_after("user:a") == pytest.approx(11.0)
    clock.advance(11)
    assert budget.remaining("user:a") == pytest.approx(0.6)
    clock.advance(600)
    assert budget.remaining("user:a") == 6.0, "never more than a minute's worth"
