"""Serializers by concept. They parse and render; services do the writing."""
