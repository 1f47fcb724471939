from groups.models import Rule
from groups.services import rules as rule_services

from . import Entry


def _rule(w):
    return {"slug": w.branch.slug, "rule_id": Rule.objects.filter(branch=w.branch).order_by("pk").first().pk}


def _spare_rule(w):
    rule = rule_services.create_rule(branch=w.branch, name="Spare", definition={"everyone": True}, actor=w.organiser)
    return {"slug": w.branch.slug, "rule_id": rule.pk}


def _compare(w):
    return {"other": Rule.objects.filter(branch=w.branch).order_by("pk").last().pk}


ENTRIES = {
    "rule_list": Entry(need="manage_rules"),
    "rule_new": Entry(need="manage_rules"),
    "rule_detail": Entry(kwargs=_rule, need="manage_rules"),
    "rule_edit": Entry(kwargs=_rule, need="manage_rules"),
    "rule_compare": Entry(kwargs=_rule, need="manage_rules", data=_compare),
    "rule_delete": Entry(kwargs=_spare_rule, need="manage_rules", method="post"),
}
