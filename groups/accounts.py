from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit as allauth_ratelimit

from .client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Email is the login. Usernames exist in the table (Django's user model
    needs one) but are generated and never shown."""

    def populate_username(self, request, user):
        from allauth.account.utils import user_email, user_field

        email = user_email(user) or ""
        base = email.split("@")[0][:100] or "user"
        user_field(user, "username", self.generate_unique_username([base, "user"]))

    def get_client_ip(self, request):
        """The address every rate limit counts by (groups/client_ip.py), not
        the reverse proxy's."""
        return client_ip(request)

    # --- sign-in limits -------------------------------------------------
    # allauth counts failed sign-ins per address ("10/m/ip") and per account
    # ("…/key"). Per account alone, anyone typing a steward's email five times
    # locks the steward out. So the per-key limit counts an account *from one
    # address* (ACCOUNT_RATE_LIMITS["login_failed"], a short window: a pause,
    # not a lock-out), and a far higher limit per account from everywhere
    # (["login_failed_account"]) stops a slow guess from many addresses.

    def _account_key(self, request, **credentials) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return f"{self._account_key(request, **credentials)}@{client_ip(request)}"

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)
        overall = allauth_ratelimit.consume(
            request, app="allauth.account", action="login_failed_account", key=self._account_key(request, **credentials)
        )
        if not overall:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        # Rolled back with allauth's own on a successful sign-in.
        self._login_failed_rl_usage.usage.extend(overall.usage)

    def get_reauthentication_methods(self, user):
        """A user enrolled in two-factor is asked for a code first (the page
        still offers the password): a new API token needs the code
        (groups/reauth.py), and a code is no weaker for the rest."""
        methods = super().get_reauthentication_methods(user)
        return sorted(methods, key=lambda m: m.get("id") != "mfa_reauthenticate")

    def authentication_failed(self, request, **credentials):
        from .services.sign_ins import record_failed_sign_in

        record_failed_sign_in(email=credentials.get("email", ""))


def user_display(user) -> str:
    """Wherever allauth names a user, it names their email: no usernames shown."""
    return user.email or "your account"
