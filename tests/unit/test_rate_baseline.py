"""Rate anomalies: an IP far above its own EWMA baseline (z-score), never below a floor."""

from core.domain.threat.baseline import RateBaseline, RateBaselineSettings

SETTINGS = RateBaselineSettings(z_threshold=6.0, min_requests_per_second=20.0, warmup_seconds=30)


def steady(baseline: RateBaseline, ip: str, per_second: int, seconds: int, start: float = 0.0) -> float:
    for second in range(seconds):
        for request in range(per_second):
            assert baseline.observe(ip, start + second + request / (per_second + 1)) is None
    return start + seconds


def burst(baseline: RateBaseline, ip: str, requests: int, at: float) -> list[float]:
    return [z for n in range(requests) if (z := baseline.observe(ip, at + n / (requests + 1))) is not None]


def test_a_sudden_flood_from_a_usually_calm_ip_is_anomalous() -> None:
    baseline = RateBaseline(SETTINGS)
    now = steady(baseline, "198.51.100.1", per_second=5, seconds=60)
    assert burst(baseline, "198.51.100.1", 200, at=now)


def test_an_anomalous_second_is_reported_once() -> None:
    baseline = RateBaseline(SETTINGS)
    now = steady(baseline, "198.51.100.7", per_second=5, seconds=60)

    assert len(burst(baseline, "198.51.100.7", 500, at=now)) == 1


def test_a_busy_ip_at_its_usual_rate_is_not_anomalous() -> None:
    baseline = RateBaseline(SETTINGS)
    now = steady(baseline, "198.51.100.2", per_second=40, seconds=60)
    assert burst(baseline, "198.51.100.2", 44, at=now) == []


def test_nothing_is_anomalous_below_the_floor_or_during_warm_up() -> None:
    baseline = RateBaseline(SETTINGS)
    now = steady(baseline, "198.51.100.3", per_second=1, seconds=60)
    assert burst(baseline, "198.51.100.3", 15, at=now) == [], "below 20/s"
    fresh = RateBaseline(SETTINGS)
    assert burst(fresh, "198.51.100.4", 500, at=0.0) == [], "no history yet"


def test_each_ip_has_its_own_baseline() -> None:
    baseline = RateBaseline(SETTINGS)
    steady(baseline, "198.51.100.5", per_second=50, seconds=60)
    now = steady(baseline, "198.51.100.6", per_second=2, seconds=60)
    assert burst(baseline, "198.51.100.6", 150, at=now)


def test_the_number_of_tracked_ips_is_bounded() -> None:
    baseline = RateBaseline(RateBaselineSettings(max_tracked_ips=100))
    for n in range(1000):
        baseline.observe(f"10.0.{n // 250}.{n % 250}", 0.0)
    assert baseline.tracked_ips == 100
