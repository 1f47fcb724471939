from ...models import Category
from .base import ModelSerializer


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "description", "order"]
        read_only_fields = ["id", "slug", "order"]
        extra_kwargs = {
            "slug": {"help_text": "Made from the name; stays the same when the category is renamed."},
            "description": {"required": False},
        }
        # Uniqueness within the branch is the service's job (it knows the branch).
        validators: list = []
