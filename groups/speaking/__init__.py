"""The speakers' list, pure: groups.speaking.order works out who speaks next
and why. No Django here (tests/speakers/test_order.py checks)."""
