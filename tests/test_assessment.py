"""medialit.assessment against values computed independently (the normal quantile by bisection on math.erf)."""
from __future__ import annotations

import math

import pytest

from medialit.assessment import brier, discernment


def z(p: float) -> float:
    """The standard normal quantile by bisection on the CDF written with math.erf (not statistics.NormalDist)."""
    low, high = -10.0, 10.0
    for _ in range(200):
        mid = (low + high) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2


@pytest.mark.parametrize("hits, misses, false_alarms, correct_rejections",
                         [(8, 2, 3, 7), (10, 0, 0, 10), (5, 5, 5, 5), (1, 9, 0, 4), (12, 3, 9, 6)])
def test_d_prime_and_c_match_an_independent_computation(hits, misses, false_alarms, correct_rejections) -> None:
    h = (hits + 0.5) / (hits + misses + 1)
    f = (false_alarms + 0.5) / (false_alarms + correct_rejections + 1)
    result = discernment(hits, misses, false_alarms, correct_rejections)
    assert result.hit_rate == pytest.approx(h)
    assert result.false_alarm_rate == pytest.approx(f)
    assert result.d_prime == pytest.approx(z(h) - z(f), abs=1e-9)
    assert result.c == pytest.approx(-(z(h) + z(f)) / 2, abs=1e-9)


def test_a_worked_case() -> None:
    # 8 of 10 loaded sentences called loaded, 3 of 10 neutral controls called loaded:
    # H = 8.5/11, F = 3.5/11; z(H) = 0.7479, z(F) = -0.4728 (normal tables), so d' = 1.2207, c = -0.1375.
    result = discernment(8, 2, 3, 7)
    assert result.d_prime == pytest.approx(1.2207, abs=5e-4)
    assert result.c == pytest.approx(-0.1375, abs=5e-4)


def test_calling_everything_loaded_shows_bias_not_skill() -> None:
    everything = discernment(10, 0, 10, 0)
    assert everything.d_prime == pytest.approx(0.0)
    assert everything.c < -1  # a strong lean towards "loaded"
    careful = discernment(8, 2, 2, 8)
    assert careful.d_prime > 1 and careful.c == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("args, message", [((1, 1, 0, 0), "control"), ((0, 0, 1, 1), "'yes' item"),
                                           ((-1, 1, 1, 1), "hits"), ((1, 1, 1.5, 1), "false_alarms")])
def test_discernment_rejects_bad_counts(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        discernment(*args)


def test_brier() -> None:
    assert brier([0.9, 0.6, 0.5], [True, False, True]) == pytest.approx((0.01 + 0.36 + 0.25) / 3)
    assert brier([1.0, 0.0], [True, False]) == 0.0
    assert brier([0.5] * 4, [True, False, False, True]) == pytest.approx(0.25)


@pytest.mark.parametrize("confidences, correct, message", [
    ([75], [True], r"give 0\.75"), ([0.5, 0.5], [True], "one confidence per answer"), ([], [], "at least one"),
    ([0.5], [1], "True"), ([float("nan")], [True], "probability")])
def test_brier_rejects_bad_input(confidences, correct, message) -> None:
    with pytest.raises(ValueError, match=message):
        brier(confidences, correct)
