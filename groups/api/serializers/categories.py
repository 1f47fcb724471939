from rest_framework import serializers

from ...models import Category


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "description", "order"]
        read_only_fields = ["id", "order"]
        extra_kwargs = {
            "slug": {"required": False, "help_text": "Made from the name when left out."},
            "description": {"required": False},
        }
        # Uniqueness within the branch is the service's job (it knows the branch).
        validators: list = []
