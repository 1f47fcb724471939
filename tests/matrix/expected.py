"""What each person gets from each URL of the matrix: a literal table, read and
checked by hand against DESIGN.md's roles (organisers manage everything;
stewards check people in and read the door list and meetings; members see their
own record and meetings; a user of another branch learns nothing about this one).

It is deliberately NOT derived from groups.permissions.CAPABILITIES: a change
to who may do what must change this table too, in the same commit, where a
reviewer sees it.

    login  redirect to the sign-in page (anonymous)
    200    the page (or the action's page, e.g. a form shown again with its errors)
    302    an action done, redirected onwards (or a page that sends you elsewhere)
    400    a form sent back with what to fix
    403    signed in with a role in the branch, too low for this
    404    no role in the branch: the same answer as a branch that does not exist
"""

ACTORS = ("anonymous", "outsider", "member", "steward", "organiser")

_TABLE = """
# URL name                    anonymous  outsider   member     steward    organiser
access_request_answered       login      404        403        403        302
access_request_log            login      404        403        403        302
agenda_current                login      404        403        403        302
agenda_item_add               login      404        403        403        302
agenda_item_edit              login      404        403        403        200
agenda_item_move              login      404        403        403        302
agenda_item_remove            login      404        403        403        302
api_token_revoke              login      302        302        302        302
api_tokens                    login      200        200        200        200
attendance_bulk               login      404        403        403        200
attribute_edit                login      404        403        403        200
attribute_list                login      404        403        403        200
attribute_new                 login      404        403        403        200
attendance_csv                login      404        403        403        200
attendance_list               login      404        403        200        200
audit_log                     login      404        403        403        200
election_ballot               login      404        200        200        200
election_accept_papers        login      404        403        403        302
election_blt                  login      404        403        403        200
election_close                login      404        403        403        302
election_close_nominations    login      404        403        403        302
election_detail               login      404        403        403        200
election_list                 login      404        200        200        200
election_new                  login      404        403        403        200
election_nomination_times     login      404        403        403        302
election_nominate             login      404        403        403        302
election_open_nominations     login      404        403        403        302
election_result               login      404        200        200        200
election_result_pdf           login      404        302        302        302
election_tellers              login      404        403        302        302
my_elections                  login      404        200        200        200
my_nominate                   login      404        302        302        302
my_nomination_accept          login      404        302        302        302
my_nomination_decline         login      404        302        302        302
my_nomination_withdraw        login      404        302        302        302
nomination_consent            login      404        403        403        302
nomination_withdraw           login      404        403        403        302
branch_dashboard              login      404        200        200        200
calendar_feed_settings        login      200        200        200        200
category_delete               login      404        403        403        302
category_list                 login      404        403        403        200
category_move                 login      404        403        403        302
category_rename               login      404        403        403        200
confirm_email                 200        200        200        200        200
count_page                    login      404        403        403        200
delegate_entitlement          login      404        403        403        200
decisions_register            login      404        200        200        200
door                          login      404        403        200        200
door_ask                      login      404        403        302        302
door_ask_status               login      404        403        200        200
door_badges                   login      404        403        200        200
door_check_in                 login      404        403        302        302
door_guest                    login      404        403        302        302
door_index                    login      404        403        200        200
door_left                     login      404        403        302        302
door_new_person               login      404        403        403        200
door_qr_image                 200        200        200        200        200
door_qr_open                  login      404        403        200        200
door_quorum                   login      404        403        200        200
door_request_approve          login      404        403        403        302
door_request_decline          login      404        403        403        302
door_requests                 login      404        403        403        200
door_review                   login      404        403        403        302
door_search                   login      404        403        200        200
door_service_worker           200        200        200        200        200
door_undo                     login      404        403        302        302
healthz                       200        200        200        200        200
holder_end                    login      404        403        403        302
home                          login      302        302        302        302
import_confirm                login      404        403        403        302
import_preview                login      404        403        403        200
import_result                 login      404        403        403        200
import_upload                 login      404        403        403        200
meeting_agenda                login      404        200        200        200
meeting_calendar              login      404        403        200        200
meeting_cancel                login      404        403        403        200
meeting_close                 login      404        403        403        302
meeting_create                login      404        403        403        200
meeting_detail                login      404        403        200        200
meeting_duplicate             login      404        403        403        200
meeting_edit                  login      404        403        403        200
meeting_ics                   login      404        200        200        200
meeting_invitations           login      404        403        403        200
meeting_invitations_call_list login      404        403        403        200
meeting_invitations_preview   login      404        403        403        200
meeting_invitations_progress  login      404        403        403        200
meeting_invitations_reminder  login      404        403        403        302
meeting_kind_defaults         login      404        403        403        200
meeting_list                  login      404        403        200        200
meeting_pending               login      404        403        403        200
meeting_pending_approve       login      404        403        403        302
meeting_pending_reject        login      404        403        403        302
meeting_minutes               login      404        200        200        200
minutes_approve               login      404        403        403        302
minutes_draft                 login      404        403        403        302
minutes_edit                  login      404        403        403        200
minutes_markdown              login      404        200        200        200
minutes_pdf                   login      404        200        200        200
meeting_motions               login      404        403        403        200
meeting_points                login      404        403        403        200
meeting_publish               login      404        403        403        302
meeting_reopen                login      404        403        403        302
meeting_speakers              login      404        403        403        200
meeting_votes                 login      404        403        403        200
motion_action                 login      404        403        403        302
motion_procedural             login      404        403        403        302
motion_submit                 login      404        403        403        302
my_data                       login      404        200        200        200
my_data_json                  login      404        302        302        302
my_details                    login      404        200        200        200
my_meeting_reply              login      404        302        302        302
my_attributes                 login      404        200        200        200
my_meetings                   login      404        200        200        200
people_bulk                   login      404        403        403        200
people_export                 login      404        403        403        200
people_list                   login      404        403        200        200
person_create                 login      404        403        403        200
person_delete                 login      404        403        403        200
person_detail                 login      404        403        200        200
person_consent                login      404        403        403        302
person_data                   login      404        403        403        200
person_data_json              login      404        403        403        200
person_edit                   login      404        403        403        200
person_erase                  login      404        403        403        200
person_export                 login      404        403        403        200
person_attributes             login      404        403        403        200
person_unlink_user            login      404        403        403        302
point_challenge               login      404        403        403        302
point_raise                   login      404        403        403        400
point_rule                    login      404        403        403        302
position_appoint              login      404        403        403        302
position_detail               login      404        403        200        200
position_edit                 login      404        403        403        200
position_list                 login      404        403        200        200
position_new                  login      404        403        403        200
privacy_notice                200        200        200        200        200
privacy_notice_edit           login      404        403        403        200
private_feed                  200        200        200        200        200
public_feed                   200        200        200        200        200
public_meeting                200        200        200        200        200
retention                     login      404        403        403        200
reports                       login      404        403        403        200
reports_absent_csv            login      404        403        403        200
role_change                   login      404        403        403        302
role_invitation_accept        login      200        200        200        200
role_invitation_revoke        login      404        403        403        302
role_list                     login      404        403        403        200
role_remove                   login      404        403        403        302
rsvp                          200        200        200        200        200
rsvp_test                     200        200        200        200        200
rule_compare                  login      404        403        403        200
rule_delete                   login      404        403        403        302
rule_detail                   login      404        403        403        200
rule_edit                     login      404        403        403        200
rule_list                     login      404        403        403        200
rule_new                      login      404        403        403        200
sign_out_everywhere           login      302        302        302        302
signin_sheet                  login      404        403        200        200
speak                         login      404        200        200        200
speak_ask                     login      404        302        302        302
speak_withdraw                login      404        302        302        302
speakers_call                 login      404        403        403        302
speakers_done                 login      404        403        403        302
speakers_move                 login      404        403        403        302
speakers_remove               login      404        403        403        302
speakers_settings             login      404        403        403        200
standing_orders               login      404        403        403        200
task_run_again                login      404        403        403        302
unsubscribe                   200        200        200        200        200
vote_cast                     login      404        302        302        302
vote_close                    login      404        403        403        302
vote_create                   login      404        403        403        302
vote_now                      login      404        200        200        200
vote_open                     login      404        403        403        302
vote_projector                login      404        403        403        200
vote_tally                    login      404        403        403        302
"""


def _parse(table: str) -> dict[str, dict[str, int | str]]:
    expected = {}
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        name, *answers = line.split()
        assert len(answers) == len(ACTORS), f"{name}: give one answer per actor"
        assert name not in expected, f"{name} is in the table twice"
        expected[name] = {a: (v if v == "login" else int(v)) for a, v in zip(ACTORS, answers, strict=True)}
    return expected


EXPECTED = _parse(_TABLE)
