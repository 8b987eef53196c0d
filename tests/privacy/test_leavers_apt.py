"""A leaver is neither a manager's APT stand-in nor has one: pseudonymising them deletes both ends."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from tests.privacy.test_retention import run_cli


def test_a_leavers_stand_in_rows_are_deleted_and_others_kept(runner, history):
    from models import AptStandIn

    org = history["org"]
    ann, ben = org["ann"], org["ben"]  # ann left long ago (due), ben recently (kept)
    db.session.add_all([
        AptStandIn(manager_id=org["boss"].id, stand_in_id=ann.id),     # ann stands in: goes
        AptStandIn(manager_id=ann.id, stand_in_id=org["carl"].id),     # ann has a stand-in: goes
        AptStandIn(manager_id=org["otherboss"].id, stand_in_id=ben.id),  # ben is not due yet: kept
        AptStandIn(manager_id=org["lead"].id, stand_in_id=org["carl"].id),  # nobody left: kept
    ])
    db.session.commit()

    out = run_cli(runner)

    assert out["categories"]["leavers"] == {"due": 1, "done": 1}
    db.session.expire_all()
    rows = set(db.session.execute(select(AptStandIn.manager_id, AptStandIn.stand_in_id)).all())
    assert rows == {(org["otherboss"].id, ben.id), (org["lead"].id, org["carl"].id)}
