"""Trained readers are bounded per case (OWASP ASVS 12.1.3): retraining is a button, so
the desk keeps the newest ten of a case and the one adopted, and no other case's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from offramp.store.intake_repository import KEEP_READERS, IntakeRepository
from support.desk import World

T0 = datetime(2022, 3, 1, tzinfo=UTC)


def test_the_newest_readers_and_the_adopted_one_are_kept(world: World) -> None:
    with world.desk.uow(write=True) as uow:
        repo = IntakeRepository(uow.conn)
        small, other = (uow.repo.get_case_row(s) for s in ("small", "other"))
        assert small is not None and other is not None
        theirs = repo.add_reader(other.id, {"format": "x"}, {}, "analyst", T0)
        ids = []
        for k in range(KEEP_READERS + 5):
            ids.append(repo.add_reader(small.id, {"k": k}, {}, "analyst", T0 + timedelta(k)))
            if k == 1:
                assert repo.adopt_reader(small.id, ids[1], "mediator", T0 + timedelta(k))
        kept = [r.id for r in repo.list_readers(small.id)]
        assert kept == [*reversed(ids[-KEEP_READERS:]), ids[1]]
        assert repo.reader_data(small.id, ids[1]) == {"k": 1}  # the adopted one, whole
        assert repo.reader_data(small.id, ids[0]) is None
        assert [r.id for r in repo.list_readers(other.id)] == [theirs]
        uow.commit()
