"""The crisis desk's model: channels, incidents, the escalation ladder, commitments,
notifications, assurances, playbooks and their runs, and the desk that holds them.
Plain typed classes; no I/O.

One module per section, each importing only those before it::

    records < channels < incidents < ladder < commitments < notifications
            < assurances < playbooks < runs < desk

An incident may arrive through several channels; the desk keeps it as one record with
many arrivals (:mod:`.incidents`). Starting an incident's playbook instantiates its
steps with due times (:mod:`.runs`). A notification whose acknowledgement is not in by
its deadline raises a ``notification_missed`` incident (:mod:`.notifications`).
Escalation scores place incidents, threats and statements on a documented ladder, and
an alert rule fires when a dyad's level jumps (:mod:`.ladder`).

Construction invariants raise ``ValueError``; illegal transitions raise
:class:`offramp.errors.Conflict` with a sentence saying why. Import the names from
this package: ``from offramp.model.crisis import CrisisDesk``.
"""

from offramp.model.crisis.assurances import (
    Assurance,
    Stake,
)
from offramp.model.crisis.channels import (
    ARRIVAL_CHANNEL,
    ChannelLevel,
    CrisisChannel,
)
from offramp.model.crisis.commitments import (
    Commitment,
    CommitmentKind,
)
from offramp.model.crisis.desk import (
    CrisisDesk,
    IncidentBoard,
)
from offramp.model.crisis.incidents import (
    Arrival,
    Incident,
    IncidentType,
)
from offramp.model.crisis.ladder import (
    DEFAULT_ALERT_RULE,
    KAHN_1965_CONDENSED,
    AlertRule,
    EscalationAlert,
    EscalationLadder,
    EscalationScore,
    Rung,
    ScoreKind,
    timeline,
)
from offramp.model.crisis.notifications import (
    AckStatus,
    Notification,
    NotificationKind,
    missed_acknowledgements,
)
from offramp.model.crisis.playbooks import (
    Playbook,
    StepSpec,
    playbook_problems,
)
from offramp.model.crisis.records import (
    NO_PROVENANCE,
    Dyad,
    Provenance,
    dyad,
)
from offramp.model.crisis.runs import (
    PlaybookRun,
    StepRun,
    StepStatus,
    StepView,
)

__all__ = [
    "ARRIVAL_CHANNEL",
    "DEFAULT_ALERT_RULE",
    "KAHN_1965_CONDENSED",
    "NO_PROVENANCE",
    "AckStatus",
    "AlertRule",
    "Arrival",
    "Assurance",
    "ChannelLevel",
    "Commitment",
    "CommitmentKind",
    "CrisisChannel",
    "CrisisDesk",
    "Dyad",
    "EscalationAlert",
    "EscalationLadder",
    "EscalationScore",
    "Incident",
    "IncidentBoard",
    "IncidentType",
    "Notification",
    "NotificationKind",
    "Playbook",
    "PlaybookRun",
    "Provenance",
    "Rung",
    "ScoreKind",
    "Stake",
    "StepRun",
    "StepSpec",
    "StepStatus",
    "StepView",
    "dyad",
    "missed_acknowledgements",
    "playbook_problems",
    "timeline",
]
