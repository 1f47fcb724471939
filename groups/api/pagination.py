from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N` (a page past the end → 404), and `?page_size=N` from 1 up;
    sizes above 200 are capped at 200 (default 50). A page or page size that is
    not a whole number of at least 1 is refused with a 400, not silently ignored."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # the schema promises an integer

    def _whole_number(self, request, name: str) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise ValidationError({name: ["Give a whole number of at least 1."]})
        return number

    def get_page_number(self, request, paginator):
        return self._whole_number(request, self.page_query_param) or 1

    def get_page_size(self, request):
        size = self._whole_number(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = (
                    f"Results per page: {self.page_size} unless given; at most {self.max_page_size}."
                )
            elif parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
