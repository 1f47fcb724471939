from django.conf import settings
from django.db import models

from .branch import Branch


class AppendOnlyError(Exception):
    pass


class AuditAction(models.TextChoices):
    """Every action an audit event names, in one place, each with the plain
    words the audit page shows. Services pass these to services.audit.record;
    the stored value (the code) never changes once events carry it."""

    BRANCH_CREATE = "branch.create", "Branch created"
    CATEGORY_CREATE = "category.create", "Category added"
    CATEGORY_UPDATE = "category.update", "Category renamed or changed"
    CATEGORY_REORDER = "category.reorder", "Categories put in a new order"
    CATEGORY_DELETE = "category.delete", "Category deleted"
    RULE_CREATE = "rule.create", "Rule created"
    RULE_UPDATE = "rule.update", "Rule changed"
    RULE_DELETE = "rule.delete", "Rule deleted"
    ROLE_INVITE = "role.invite", "Invited to a role"
    ROLE_INVITE_REVOKE = "role.invite_revoke", "Role invitation withdrawn"
    ROLE_ACCEPT = "role.accept", "Role invitation accepted"
    ROLE_CHANGE = "role.change", "Role changed"
    ROLE_REMOVE = "role.remove", "Role removed"
    PERSON_CREATE = "person.create", "Person added"
    PERSON_UPDATE = "person.update", "Person's details changed"
    PERSON_DELETE = "person.delete", "Person deleted"
    PERSON_BULK_UPDATE = "person.bulk_update", "People changed together"
    PERSON_LINK_USER = "person.link_user", "Person linked to their account"
    PERSON_UNLINK_USER = "person.unlink_user", "Person unlinked from their account"
    PERSON_REGISTER_INTEREST = "person.register_interest", "Interest registered from a public page"
    PERSON_INTEREST_KNOWN = "person.interest_known", "Interest registered by someone already known"
    PERSON_APPROVE = "person.approve", "Supporter approved"
    PERSON_REJECT = "person.reject", "Registration of interest rejected"
    PERSON_UNSUBSCRIBE = "person.unsubscribe", "Unsubscribed from email"
    PERSON_CONSENT = "person.consent", "Consent to be contacted recorded"
    PERSON_CONFIRM_EMAIL = "person.confirm_email", "Email address confirmed, consent counted"
    PERSON_ERASE = "person.erase", "Person's data erased"
    PERSON_VIEW = "person.view", "Person's full record read"
    PEOPLE_READ = "people.read", "People's full records read through the API"
    PERSON_SUBJECT_ACCESS = "person.subject_access", "Person's data downloaded (subject access)"
    SUBJECT_ACCESS_LOG = "person.access_request", "Subject-access request logged"
    SUBJECT_ACCESS_ANSWERED = "person.access_answered", "Subject-access request answered"
    RETENTION_UPDATE = "retention.update", "Retention schedule changed"
    PRIVACY_NOTICE_UPDATE = "privacy_notice.update", "Privacy notice changed"
    RETENTION_APPLY = "retention.apply", "Retention schedule applied"
    PEOPLE_IMPORT = "people.import", "Membership list imported"
    TASK_STOPPED = "task.stopped", "Background task found stopped part-way and marked failed"
    TASK_RUN_AGAIN = "task.run_again", "Stopped background task run again"
    PERSON_EXPORT = "person.export", "People exported (CSV)"
    MEETING_CREATE = "meeting.create", "Meeting created"
    MEETING_UPDATE = "meeting.update", "Meeting changed"
    MEETING_DUPLICATE = "meeting.duplicate", "Meeting copied to a new date"
    MEETING_PUBLISH = "meeting.publish", "Meeting published"
    MEETING_CANCEL = "meeting.cancel", "Meeting cancelled"
    MEETING_CLOSE = "meeting.close", "Meeting closed and its record frozen"
    MEETING_REOPEN = "meeting.reopen", "Meeting reopened"
    MEETING_KIND_DEFAULTS = "meeting.kind_defaults", "Usual rules for kinds of meeting changed"
    MEETING_INVITE = "meeting.invite", "Invitations sent"
    MEETING_REMIND = "meeting.remind", "Reminders sent"
    MEETING_INVITE_TEST = "meeting.invite_test", "Test invitation sent to themselves"
    INVITATIONS_EXPORT_CALL_LIST = "invitations.export_call_list", "Call list exported (CSV)"
    INVITATION_REPLY = "invitation.reply", "Invitation answered"
    ATTENDANCE_CHECK_IN = "attendance.check_in", "Checked in"
    ATTENDANCE_REOPEN = "attendance.reopen", "Checked in again"
    ATTENDANCE_GUEST = "attendance.guest", "Guest let in"
    ATTENDANCE_UNDO = "attendance.undo", "Check-in undone"
    ATTENDANCE_LEFT = "attendance.left", "Left the meeting"
    ATTENDANCE_REFUSED = "attendance.refused", "Refused at the door"
    ATTENDANCE_DUPLICATE_SCAN = "attendance.duplicate_scan", "Checked in on a second device (duplicate kept)"
    ATTENDANCE_REVIEW = "attendance.review", "Offline check-in kept for review"
    ATTENDANCE_REVIEWED = "attendance.reviewed", "Offline check-in reviewed"
    ATTENDANCE_SCAN_UNDO = "attendance.scan_undo", "Device check-in withdrawn"
    OVERRIDE_ASK = "attendance.override_ask", "Override asked for"
    OVERRIDE_APPROVE = "attendance.override_approve", "Override approved"
    OVERRIDE_DECLINE = "attendance.override_decline", "Override declined"
    ATTENDANCE_EXPORT = "attendance.export", "Attendance exported (CSV)"
    ATTENDANCE_EXPORT_SIGN_IN_SHEET = "attendance.export_sign_in_sheet", "Sign-in sheet printed"
    REPORTS_EXPORT_ABSENT = "reports.export_absent", "People who have not come lately exported (CSV)"
    CALENDAR_FEED_CREATE = "calendar_feed.create", "Calendar feed address made"
    CALENDAR_FEED_REVOKE = "calendar_feed.revoke", "Calendar feed switched off"
    STANDING_ORDERS_UPDATE = "standing_orders.update", "Standing orders changed"
    VOTE_CREATE = "vote.create", "Vote set up"
    VOTE_OPEN = "vote.open", "Vote opened"
    VOTE_OPEN_OVERRIDE = "vote.open_override", "Vote opened although not quorate"
    VOTE_BALLOT = "vote.ballot", "Voted"
    VOTE_TALLY = "vote.tally", "Show of hands counted"
    VOTE_CLOSE = "vote.close", "Vote closed and its result declared"
    AGENDA_ITEM_ADD = "agenda.add", "Agenda item added"
    SPEAKER_ASK = "speaker.ask", "Asked to speak"
    SPEAKER_WITHDRAW = "speaker.withdraw", "Request to speak withdrawn"
    SPEAKER_CALL = "speaker.call", "Speaker called"
    SPEAKER_DONE = "speaker.done", "Speaker finished"
    SPEAKER_MOVE = "speaker.move", "Speaker moved in the list by the chair"
    SPEAKERS_SETTINGS = "speakers.settings", "Speakers' list settings changed"
    AGENDA_ITEM_UPDATE = "agenda.update", "Agenda item changed"
    AGENDA_ITEM_MOVE = "agenda.move", "Agenda item moved up or down"
    AGENDA_ITEM_REMOVE = "agenda.remove", "Agenda item removed"
    AGENDA_CURRENT = "agenda.current", "The chair moved to another agenda item"
    MOTION_SUBMIT = "motion.submit", "Motion submitted"
    MOTION_MOVE = "motion.move", "Motion moved"
    MOTION_SECOND = "motion.second", "Motion seconded"
    MOTION_FALL = "motion.fall", "Motion fell for want of a seconder"
    MOTION_WITHDRAW = "motion.withdraw", "Motion withdrawn"
    ATTRIBUTE_DEFINE = "attribute.define", "Self-declared question added"
    ATTRIBUTE_UPDATE = "attribute.update", "Self-declared question changed"
    ATTRIBUTE_DECLARE = "attribute.declare", "Self-declared value given"
    ATTRIBUTE_RECORD = "attribute.record", "Self-declared value recorded by an organiser, with consent"
    ATTRIBUTE_WITHDRAW = "attribute.withdraw", "Self-declared value withdrawn"
    ATTRIBUTE_VIEW = "attribute.view", "Self-declared values looked at"
    POSITION_CREATE = "position.create", "Position added"
    POSITION_UPDATE = "position.update", "Position changed"
    POSITION_APPOINT = "position.appoint", "Appointed to a position"
    POSITION_END = "position.end", "Term in a position ended"
    ELECTION_CREATE = "election.create", "Election set up"
    ELECTION_UPDATE = "election.update", "Election changed"
    ELECTION_NOMINATIONS_OPEN = "election.nominations_open", "Nominations opened"
    ELECTION_NOMINATE = "election.nominate", "Nomination received"
    ELECTION_WITHDRAW = "election.withdraw", "Nomination withdrawn"
    ELECTION_NOMINATION_ACCEPT = "election.nomination_accept", "Nomination accepted by the nominee"
    ELECTION_NOMINATION_DECLINE = "election.nomination_decline", "Nomination declined by the nominee"
    ELECTION_NOMINATION_CONSENT = "election.nomination_consent", "Nominee's consent recorded by an organiser"
    ELECTION_NOMINATIONS_KEPT_OPEN = "election.nominations_kept_open", "Nominations not closed: nobody could stand"
    ELECTION_NOMINATIONS_CLOSE = "election.nominations_close", "Nominations closed and nominees checked"
    ELECTION_BALLOT = "election.ballot", "Voted in an election"
    ELECTION_PAPERS_ENTER = "election.papers_enter", "Paper ballots entered by a teller"
    ELECTION_PAPERS_ACCEPT = "election.papers_accept", "Paper ballots accepted: the tellers agree"
    ELECTION_DECLARE = "election.declare", "Election counted and its result declared"
    POSITION_ALERT = "position.alert", "Holder no longer meets the position's rule"
    COUNT_UPLOADED = "count.uploaded", "Ballots from a file counted (nothing kept)"
    COUNT_PDF = "count.pdf", "Count of ballots from a file printed as PDF (nothing kept)"
    DELEGATES_WORKED_OUT = "delegates.worked_out", "Delegate entitlement worked out (counts of members only)"
    MOTION_RULE_OUT = "motion.rule_out", "Motion ruled out of order"
    MOTION_REMIT = "motion.remit", "Motion remitted"
    MOTION_REFER_BACK = "motion.refer_back", "Motion referred back"
    MOTION_NEXT_BUSINESS = "motion.next_business", "Motion not voted on: next business"
    MOTION_NOT_REACHED = "motion.not_reached", "Motion not reached"
    MOTION_AMENDED = "motion.amended", "Amendment carried: the motion as amended is the substantive motion"
    POINT_OF_ORDER_RAISE = "point_of_order.raise", "Point of order raised"
    POINT_OF_ORDER_RULE = "point_of_order.rule", "Chair ruled on a point of order"
    POINT_OF_ORDER_CHALLENGE = "point_of_order.challenge", "Chair's ruling challenged"
    POINT_OF_ORDER_DECIDED = "point_of_order.decided", "Challenge to the chair's ruling decided"
    MINUTES_DRAFT = "minutes.draft", "Minutes drafted from the meeting's records"
    MINUTES_REGENERATE = "minutes.regenerate", "Minutes drafted again from the records, replacing the draft"
    MINUTES_EDIT = "minutes.edit", "Minutes edited by the secretary"
    MINUTES_APPROVE = "minutes.approve", "Minutes approved at a later meeting: no more edits"
    MINUTES_EXPORT = "minutes.export", "Minutes downloaded (PDF or Markdown)"
    API_TOKEN_CREATE = "api_token.create", "API token made"
    API_TOKEN_REVOKE = "api_token.revoke", "API token revoked"
    SIGN_OUT_EVERYWHERE = "account.sign_out_everywhere", "Signed out everywhere"
    SIGN_IN_FAILED = "account.sign_in_failed", "Sign-in failed (wrong password)"
    DEMO_PEOPLE = "demo.people", "Demo people made"
    DEMO_INVITATIONS = "demo.invitations", "Demo invitations made"
    DEMO_ATTENDANCE = "demo.attendance", "Demo attendance made"

    @classmethod
    def label_of(cls, code: str) -> str:
        """The plain words for a stored action (the code itself for one this
        list does not know, such as an action since retired)."""
        try:
            return cls(code).label
        except ValueError:
            return code


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")


class AuditEvent(models.Model):
    """Append-only record of every change and every export of member data.
    `changes` holds old/new values for edits; for reads and exports only counts,
    never field values."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # No index of its own: audit_branch_action_at starts with it, and every audited write
    # (each ballot's) would pay for a second one.
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, null=True, related_name="audit_events", db_index=False)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The person the event concerns, when there is one: the audit page filters on it.
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["branch", "action", "at"], name="audit_branch_action_at")]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def action_label(self) -> str:
        return AuditAction.label_of(self.action)
