"""Serializer base for every API serializer: text fields take only JSON
strings (DRF would turn 5 or true into "5" / "True" — the schema says string),
and their length limit applies to what was sent, before spaces are trimmed
(as the schema's maxLength says). JSON null for an optional text field is
"no value", i.e. blank (CONTRACT.md §4): generated clients send null for
every optional field they leave unset, so refusing it would be a 400 for
nothing."""

from django.db import models
from rest_framework import serializers


class StrictTextMixin:
    default_error_messages = {"not_a_string": "Give text (a JSON string), not {type}."}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # An optional text field takes null as blank, and the schema says so (nullable).
        self.null_is_blank = not self.required and not self.read_only and self.allow_blank and not self.allow_null
        if self.null_is_blank:
            self.allow_null = True

    def validate_empty_values(self, data):
        if data is None and self.null_is_blank:
            return (True, "")
        return super().validate_empty_values(data)

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


class OptionalChoiceField(serializers.ChoiceField):
    """An optional choice with a default: JSON null is "no value", so the default."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return (True, self.get_default())
        return super().validate_empty_values(data)


class OptionalBooleanField(serializers.BooleanField):
    """An optional yes/no: JSON null is "no value", so no (never a recorded yes)."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return (True, False)
        return super().validate_empty_values(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false, never 0, 1 or "yes" (which DRF would read as one,
    though the schema says boolean)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


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
