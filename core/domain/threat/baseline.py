"""Per-IP request-rate baselines: EWMA of the per-second rate and its variance, z-scored.

Honest statistics, not machine learning: an IP whose current rate sits many standard
deviations above its own history (and above a floor) is anomalous.
"""

import math
from collections import OrderedDict

import msgspec


class RateBaselineSettings(msgspec.Struct, frozen=True, kw_only=True):
    z_threshold: float = 6.0
    min_requests_per_second: float = 20.0
    """Below this nothing is anomalous, however quiet the IP was before."""
    alpha: float = 0.05
    """EWMA weight of the newest second: small = long memory."""
    warmup_seconds: int = 30
    max_tracked_ips: int = 100_000


class _IpRate:
    __slots__ = ("count", "mean", "reported", "second", "seconds_seen", "variance")

    def __init__(self, second: int) -> None:
        self.second = second
        self.count = 0
        self.mean = 0.0
        self.variance = 0.0
        self.seconds_seen = 0
        self.reported = False


class RateBaseline:
    """One gateway process's view; each replica judges the traffic it sees."""

    def __init__(self, settings: RateBaselineSettings) -> None:
        self._settings = settings
        self._ips: OrderedDict[str, _IpRate] = OrderedDict()

    @property
    def tracked_ips(self) -> int:
        return len(self._ips)

    def observe(self, ip: str, now: float) -> float | None:
        """Count one request; returns the z-score at the request that makes this second
        anomalous, else None (once per IP and second: a flood is one finding, not thousands)."""
        second = int(now)
        state = self._ips.get(ip)
        if state is None:
            state = self._track(ip, second)
        else:
            self._ips.move_to_end(ip)
        if second != state.second:
            self._close_seconds(state, second)
        state.count += 1
        if state.reported:
            return None
        z = self._z_if_anomalous(state)
        state.reported = z is not None
        return z

    def _track(self, ip: str, second: int) -> _IpRate:
        if len(self._ips) >= self._settings.max_tracked_ips:
            self._ips.popitem(last=False)  # forget the least recently seen IP
        state = self._ips[ip] = _IpRate(second)
        return state

    def _close_seconds(self, state: _IpRate, second: int) -> None:
        alpha = self._settings.alpha
        # The finished second, then the silent ones in between (capped: long gaps decay fully).
        for count in [state.count] + [0] * min(second - state.second - 1, 300):
            deviation = count - state.mean
            state.mean += alpha * deviation
            state.variance = (1 - alpha) * (state.variance + alpha * deviation * deviation)
            state.seconds_seen += 1
        state.second = second
        state.count = 0
        state.reported = False

    def _z_if_anomalous(self, state: _IpRate) -> float | None:
        settings = self._settings
        if state.seconds_seen < settings.warmup_seconds or state.count < settings.min_requests_per_second:
            return None
        z = (state.count - state.mean) / math.sqrt(max(state.variance, 1.0))
        return z if z >= settings.z_threshold else None
