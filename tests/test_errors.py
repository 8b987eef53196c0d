"""One error type per package (docs/architecture.md, decision 12): every error is caught by its
package's root and by what callers caught before, is importable where it was, and says what it
said before (`scripts/error_roots.py` keeps new classes under the roots)."""
from __future__ import annotations

import pytest

from auth.errors import AuthError
from auth.oidc import SignInError
from auth.oidc_operations import LogoutTokenError
from campaign import labels as campaign_labels
from campaign.audience import TrainingUnavailable
from campaign.errors import PlanError
from campaign.timeutil import NonexistentLocalTime
from campaign.workflow import WorkflowError
from directory.client import IncompleteRead
from directory.dn import DNError
from directory.errors import DirectoryError
from directory.mapping import MappingError
from directory.runs import SyncRefused
from followup.errors import FollowupError
from followup.uploads import UploadRefused
from invites.errors import InviteError
from invites.itip import Unreadable
from invites.mailbox import MailboxError
from invites.recurrence import RecurrenceError
from outbox.errors import OutboxError
from outbox.mime import HeaderInjection, InvalidAddress
from outbox.transport import ConnectFailure, DeliveryFailure


@pytest.mark.parametrize(("error", "root", "kept"), [
    (SignInError, AuthError, Exception),
    (LogoutTokenError, AuthError, ValueError),
    (WorkflowError, PlanError, ValueError),
    (NonexistentLocalTime, PlanError, ValueError),
    (TrainingUnavailable, PlanError, RuntimeError),
    (IncompleteRead, DirectoryError, Exception),
    (DNError, DirectoryError, ValueError),
    (MappingError, DirectoryError, ValueError),
    (SyncRefused, DirectoryError, Exception),
    (UploadRefused, FollowupError, Exception),
    (Unreadable, InviteError, ValueError),
    (MailboxError, InviteError, RuntimeError),
    (RecurrenceError, InviteError, ValueError),
    (InvalidAddress, OutboxError, ValueError),
    (HeaderInjection, OutboxError, ValueError),
    (ConnectFailure, OutboxError, Exception),
    (DeliveryFailure, OutboxError, Exception),
], ids=lambda value: getattr(value, "__name__", str(value)))
def test_an_error_derives_from_its_package_root_and_keeps_its_old_base(error, root, kept):
    assert issubclass(error, root) and issubclass(error, kept)


def test_the_roots_stay_importable_where_they_were():
    from auth.operations import AuthError as from_auth
    from campaign.operations import PlanError as from_campaign
    from directory.client import DirectoryError as from_directory
    from followup.operations import FollowupError as from_followup
    from invites.operations import InviteError as from_invites

    assert (from_auth, from_campaign, from_directory, from_followup, from_invites) == (
        AuthError, PlanError, DirectoryError, FollowupError, InviteError)


def test_subclasses_say_what_they_said_and_carry_a_code():
    moved = WorkflowError("not_allowed", "draft", "approve")
    assert (str(moved), moved.code, moved.field, moved.status, moved.move) == (
        "not_allowed: approve from draft", "not_allowed", None, "draft", "approve")
    refused = SignInError("state", "state missing, unknown or already used")
    assert (str(refused), refused.code, refused.reason) == ("state: state missing, unknown or already used",
                                                            "state", "state")
    assert (str(LogoutTokenError("neither sub nor sid")), LogoutTokenError("x").code) == (
        "neither sub nor sid", "logout_token")
    assert (str(MailboxError("IMAP LOGIN failed: [b'no']")), MailboxError("x").code) == (
        "IMAP LOGIN failed: [b'no']", "mailbox")
    gap = NonexistentLocalTime("2031-03-30T02:30:00")
    unavailable = TrainingUnavailable("no mandatory course is required at the moment")
    assert (str(gap), str(unavailable)) == ("2031-03-30T02:30:00", "no mandatory course is required at the moment")
    # The codes a caller catching PlanError translates are in the campaign's labels.
    assert {gap.code, unavailable.code, moved.code} <= set(campaign_labels.ERRORS)
    assert (UploadRefused("file_type").code, Unreadable("no_answer").code) == ("file_type", "no_answer")
