"""Activity rules, one module per rule: who may sign up (``eligibility``), places
and the waiting list (``registration``), the draw (``lottery``), check-in and
no-shows (``attendance``), drafts made from surveys and proposals (``drafts``),
``ratings``, ``calendar_feeds`` and ``erasure``.
Callers use this package as one door: ``from activities import services``.

Every change to the places of an activity (sign-up, cancellation, capacity,
draw, promotion) starts by locking the activity's row with
``base._lock_activity``: ``SELECT ... FOR UPDATE`` on PostgreSQL, while on
SQLite the settings open every transaction with ``BEGIN IMMEDIATE`` so writers
run one after the other. Counting the places taken and taking one is therefore
a single step, and an activity is never over capacity however many workers
press "sign up" at the same moment.
"""

from .attendance import (
    CHECK_IN_OPENS_BEFORE,
    no_shows_record,
    no_shows_record_due,
    registration_check_in,
    registration_check_in_undo,
)
from .calendar_feeds import calendar_feed_renew, calendar_feed_revoke
from .drafts import activity_draft_create
from .eligibility import (
    Eligibility,
    eligibility_check,
    eligibility_override_grant,
    eligibility_reasons,
    eligibility_rules,
    signup_blockers,
)
from .erasure import member_activities_erase
from .invitations import activity_invite
from .lottery import LOTTERY_LOOKBACK, lottery_draw, lottery_draw_due, lottery_order, lottery_verify
from .ratings import rating_submit
from .registration import (
    activity_cancel,
    activity_capacity_change,
    activity_capacity_check,
    activity_publish,
    registration_cancel,
    registration_promote,
    registration_signup,
)

__all__ = [
    "CHECK_IN_OPENS_BEFORE",
    "LOTTERY_LOOKBACK",
    "Eligibility",
    "activity_cancel",
    "activity_draft_create",
    "activity_invite",
    "activity_capacity_change",
    "activity_capacity_check",
    "activity_publish",
    "calendar_feed_renew",
    "calendar_feed_revoke",
    "eligibility_check",
    "eligibility_override_grant",
    "eligibility_reasons",
    "eligibility_rules",
    "lottery_draw",
    "lottery_draw_due",
    "lottery_order",
    "lottery_verify",
    "member_activities_erase",
    "no_shows_record",
    "no_shows_record_due",
    "rating_submit",
    "registration_cancel",
    "registration_check_in",
    "registration_check_in_undo",
    "registration_promote",
    "registration_signup",
    "signup_blockers",
]
