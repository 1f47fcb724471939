from rest_framework import serializers

from ...models import Branch, RoleName
from .base import ModelSerializer


class BranchSerializer(ModelSerializer):
    role = serializers.ChoiceField(
        choices=RoleName.choices, read_only=True, allow_null=True, help_text="Your role in this branch."
    )

    class Meta:
        model = Branch
        fields = ["slug", "name", "description", "time_zone", "role", "created_at"]
        read_only_fields = ["time_zone", "created_at"]
        extra_kwargs = {
            "slug": {
                "required": False,
                "allow_blank": True,
                "validators": [],
                "help_text": "Made from the name when left out or blank.",
            },
            "description": {"required": False},
        }
