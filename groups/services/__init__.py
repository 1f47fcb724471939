"""Write actions, one module per noun. Each public service runs in one
transaction, writes its audit event (action names from
groups.models.AuditAction) and raises groups.errors.RollcallError subclasses
with a sentence a person can read.

Public services are `transaction.atomic(durable=True)`: a transaction of their
own, never inside someone else's (Django raises if one is), so a caller cannot
roll back a check-in, an import or an export's audit row without knowing. When
one service is part of a bigger write — bulk_check_in and create_person_at_door
check people in, duplicate_meeting creates a meeting, reply_as_member records a
reply, accept_role_invitation links the account — it calls a private `_name`
function that does the work inside the caller's transaction; the public `name`
is that function in a durable transaction. The private ones are for
groups/services only: views, the API, commands and tasks call the public ones.

Tests: pytest-django's `db` fixture runs each test inside Django's TestCase
transaction, which Django marks as the test's (`_from_testcase`), and a durable
block directly inside it is allowed (it becomes a savepoint). So tests call
services as views do; a test that wraps a service call in its own
`transaction.atomic()` is told, as production code would be.
"""
