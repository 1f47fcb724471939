"""Serializer base for every API serializer: text fields take only JSON
strings (DRF would turn 5 or true into "5" / "True" — the schema says string),
and their length limit applies to what was sent, before spaces are trimmed
(as the schema's maxLength says)."""

from django.db import models
from rest_framework import serializers


class StrictTextMixin:
    default_error_messages = {"not_a_string": "Give text (a JSON string), not {type}."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string", type=type(data).__name__)
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class CharField(StrictTextMixin, serializers.CharField):
    pass


class SlugField(StrictTextMixin, serializers.SlugField):
    pass


class EmailField(StrictTextMixin, serializers.EmailField):
    pass


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id: 12 or "12", never 12.9 or true, which the database lookup would
    quietly read as 12 or 1 — someone else's id."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: CharField,
        models.TextField: CharField,
        models.SlugField: SlugField,
        models.EmailField: EmailField,
    }
