"""Pages with several forms keep their element ids unique (labels and ARIA depend on it)."""
from __future__ import annotations

import collections
import re

from extensions import db


def duplicate_ids(html: str) -> list[str]:
    counts = collections.Counter(re.findall(r'\sid="([^"]+)"', html))
    return sorted(i for i, n in counts.items() if n > 1)


def test_team_and_person_pages_have_unique_ids(client, auth, org, course, complete):
    from training import operations

    operations.ensure_requirement(course["course"], operations.RequirementSpec(name="Andra kravet", due_on=None,
                                                                                new_starter_days=30))
    db.session.commit()  # two requirements: the page shows its requirement picker too
    auth.login("boss")
    for path in ("/training/team?state=all", f"/training/people/{org['ben'].id}"):
        assert duplicate_ids(client.get(path).get_data(as_text=True)) == [], path
