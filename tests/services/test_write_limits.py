"""The write limits' token buckets (ASVS 11.1.4), on a clock moved by hand: spending,
refilling, the words and wait of a refusal, the bounded table, and parsing ``--write-rate``."""

from __future__ import annotations

import threading

import pytest

from offramp.errors import InputError, Throttled
from offramp.services.write_limits import (
    DEFAULT_WRITE_RATE,
    WriteLimits,
    WriteRate,
    parse_write_rate,
)


class Ticks:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def refused(limits: WriteLimits, user: int) -> Throttled:
    with pytest.raises(Throttled) as caught:
        limits.spend(user)
    return caught.value


def test_a_user_spends_the_burst_then_is_refused_with_the_wait_until_one_more() -> None:
    ticks = Ticks()
    limits = WriteLimits(WriteRate(3, 60), ticks=ticks)  # 3 at once, one more every 20 s
    for _ in range(3):
        limits.spend(7)
    exc = refused(limits, 7)
    assert (exc.status, exc.retry_after) == (429, 20)
    assert exc.message == (
        "Too many changes from your account in a short time: the desk takes 3 at once and "
        "3 more every minute. This one was not made; try again in 20 seconds."
    )
    ticks.now += 19.5
    assert refused(limits, 7).retry_after == 1  # a refusal spends nothing, nor delays
    ticks.now += 0.5
    limits.spend(7)  # 20 s: one token back
    assert refused(limits, 7).retry_after == 20


@pytest.mark.parametrize(
    ("rate", "after", "words"),
    [
        (WriteRate(1, 119), 0, "119 seconds"),
        (WriteRate(1, 120), 0, "2 minutes"),
        (WriteRate(1, 3600), 0, "60 minutes"),
        (WriteRate(1, 3600), 3599.5, "1 second"),
        (WriteRate(1, 3 * 3600), 0, "3 hours"),
        (WriteRate(1, 3 * 3600), 3 * 3600 - 7199, "120 minutes"),
    ],
)
def test_a_long_wait_is_told_in_minutes_or_hours(rate: WriteRate, after: float, words: str) -> None:
    ticks = Ticks()
    limits = WriteLimits(rate, ticks=ticks)
    limits.spend(1)
    ticks.now += after
    assert refused(limits, 1).message.endswith(f"try again in {words}.")


def test_a_bucket_refills_to_the_burst_and_no_further() -> None:
    ticks = Ticks()
    limits = WriteLimits(WriteRate(2, 10), ticks=ticks)
    limits.spend(1)
    ticks.now += 3600  # an hour idle: full, i.e. 2, not 720
    limits.spend(1)
    limits.spend(1)
    assert refused(limits, 1).retry_after == 5


def test_users_have_buckets_of_their_own() -> None:
    limits = WriteLimits(WriteRate(1, 60), ticks=Ticks())
    limits.spend(1)
    refused(limits, 1)
    limits.spend(2)  # user 2 unaffected by user 1
    refused(limits, 2)


def test_the_table_keeps_at_most_max_users_dropping_the_least_recently_used() -> None:
    ticks = Ticks()
    limits = WriteLimits(WriteRate(1, 60), max_users=3, ticks=ticks)
    for user in (1, 2, 3):
        limits.spend(user)
    refused(limits, 1)  # 1 is now the most recently used: 2 is the least
    limits.spend(4)  # a fourth user: 2's bucket goes
    assert len(limits) == 3
    refused(limits, 1)  # kept: still empty
    refused(limits, 3)  # kept
    limits.spend(2)  # dropped, so full again
    assert len(limits) == 3
    for user in range(100, 10_100):
        limits.spend(user)
    assert len(limits) == 3


def test_buckets_that_refilled_are_dropped_so_signed_out_users_go_by_themselves() -> None:
    ticks = Ticks()
    limits = WriteLimits(WriteRate(2, 10), ticks=ticks)
    for user in range(50):
        limits.spend(user)
    assert len(limits) == 50
    ticks.now += 5  # each has refilled its one write: full buckets carry nothing
    limits.spend(999)
    assert len(limits) == 1


def test_threads_at_once_get_exactly_the_burst() -> None:
    limits = WriteLimits(WriteRate(50, 3600), ticks=Ticks())
    done: list[bool] = []

    def hammer() -> None:
        for _ in range(40):
            try:
                limits.spend(1)
                done.append(True)
            except Throttled:
                done.append(False)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (done.count(True), done.count(False)) == (50, 270)


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("60/30s", WriteRate(60, 30)),
        ("60/30", WriteRate(60, 30)),
        (" 100/1m ", WriteRate(100, 60)),
        ("1000/1h", WriteRate(1000, 3600)),
        ("off", None),
        ("OFF", None),
        ("0", None),
    ],
)
def test_write_rates_that_parse(text: str, rate: WriteRate | None) -> None:
    assert parse_write_rate(text) == rate


@pytest.mark.parametrize("text", ["60", "0/30s", "60/0", "-1/30", "60/30x", "", "2.5/1", "on"])
def test_write_rates_that_do_not_parse_name_the_option(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_write_rate(text)
    assert str(caught.value) == (
        f"--write-rate: {text!r} is not a write rate; write BURST/SECONDS such as 60/30s "
        "(60 writes at once, refilled in 30 seconds), 100/1m or 1000/1h, or 0 or off for "
        "no limit"
    )


def test_the_default_is_60_at_once_then_2_a_second() -> None:
    assert (DEFAULT_WRITE_RATE.burst, DEFAULT_WRITE_RATE.per_second) == (60, 2.0)
    assert parse_write_rate(str(DEFAULT_WRITE_RATE)) == DEFAULT_WRITE_RATE
