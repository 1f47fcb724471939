from ...models import Category
from .base import ModelSerializer


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "slug", "name", "description", "order"]
        read_only_fields = ["id", "order"]
        extra_kwargs = {
            "slug": {"required": False, "allow_blank": True, "help_text": "Made from the name when left out or blank."},
            "description": {"required": False},
        }
        # Uniqueness within the branch is the service's job (it knows the branch).
        validators: list = []
