from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Email is the login. Usernames exist in the table (Django's user model
    needs one) but are generated and never shown."""

    def populate_username(self, request, user):
        from allauth.account.utils import user_email, user_field

        email = user_email(user) or ""
        base = email.split("@")[0][:100] or "user"
        user_field(user, "username", self.generate_unique_username([base, "user"]))


def user_display(user) -> str:
    """Wherever allauth names a user, it names their email: no usernames shown."""
    return user.email or "your account"
