"""The plan message workflow as data: which move goes from which status to which.

draft → review → approved → scheduled → sent (e-mail) / published (other channels);
anything not yet out can be cancelled; a cancelled message can be reopened as a draft.
Pure: the operations check a move here before writing it.
"""
from __future__ import annotations

from dataclasses import dataclass

from campaign.errors import PlanError

#: Statuses after which nothing may change.
FINAL = frozenset({"sent", "published"})
#: Statuses whose content has been approved: changing content sends the message back to review.
APPROVED_CONTENT = frozenset({"approved", "scheduled"})
#: Fields whose change counts as a content change.
CONTENT_FIELDS = ("title", "body", "channel", "audience", "unit_ids", "campaign_id")


@dataclass(frozen=True)
class Move:
    #: Stable id used in URLs and forms ("approve").
    name: str
    #: Statuses it can start from.
    sources: frozenset[str]
    #: Status it leads to.
    target: str
    #: True when only comms staff and admins may do it (all moves by people are, today).
    needs_planner: bool = True
    #: True when a comment is required (sending back needs a reason).
    needs_comment: bool = False


MOVES = {
    "submit": Move("submit", frozenset({"draft"}), "review"),
    "return": Move("return", frozenset({"review", "approved", "failed"}), "draft", needs_comment=True),
    "approve": Move("approve", frozenset({"review"}), "approved"),
    "schedule": Move("schedule", frozenset({"approved"}), "scheduled"),
    "unschedule": Move("unschedule", frozenset({"scheduled"}), "approved"),
    "cancel": Move("cancel", frozenset({"draft", "review", "approved", "scheduled", "failed"}), "cancelled"),
    "reopen": Move("reopen", frozenset({"cancelled"}), "draft"),
}


class WorkflowError(PlanError):
    """A move that is not allowed from the message's current status."""

    def __init__(self, code: str, status: str, move: str | None = None):
        super().__init__(code, message=f"{code}: {move or ''} from {status}")
        self.status = status
        self.move = move


def check_move(move_name: str, status: str) -> Move:
    """The move, or WorkflowError("unknown_move" / "not_allowed") if it cannot happen now."""
    move = MOVES.get(move_name)
    if move is None:
        raise WorkflowError("unknown_move", status, move_name)
    if status not in move.sources:
        raise WorkflowError("not_allowed", status, move_name)
    return move


def available_moves(status: str) -> list[Move]:
    """Moves a planner can make from `status`, in the order the buttons show them."""
    return [m for m in MOVES.values() if status in m.sources]


def may_edit(status: str) -> bool:
    """Sent and published messages are read-only; a cancelled one must be reopened first."""
    return status not in FINAL and status != "cancelled"


def status_after_edit(status: str, content_changed: bool) -> str:
    """Changing approved content sends it back to review; other edits keep the status."""
    if content_changed and status in APPROVED_CONTENT:
        return "review"
    return status
