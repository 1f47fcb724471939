"""API views by concept: branches, categories (people, imports, rules, meetings
and the door join here, each in its own module, on views.base)."""
