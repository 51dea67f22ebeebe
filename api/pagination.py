from django import forms
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from units import access

from .errors import InvalidParameter


class PagePagination(PageNumberPagination):
    """Pages of 100 rows by default, up to 1000 with ?page_size=."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    page_query_description = "Số thứ tự của trang, bắt đầu từ 1."
    page_size_query_description = "Số dòng mỗi trang (mặc định 100, tối đa 1000)."
    invalid_page_message = "Trang không tồn tại."

    def get_paginated_response(self, data):
        return Response({"count": self.page.paginator.count, "next": self.get_next_link(),
                         "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Tổng số dòng khớp điều kiện lọc."},
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "description": "Địa chỉ của trang sau (trống ở trang cuối)."},
                "previous": {"type": "string", "nullable": True, "format": "uri",
                             "description": "Địa chỉ của trang trước (trống ở trang đầu)."},
                "results": {**schema, "description": "Các dòng của trang này."},
            },
        }


class KeysetPagination(PagePagination):
    """A list paged by the last id read (`after`), in the order of ids, unless the client asks for a page by number
    (then in the list's own order): a row deleted or added while a client pages through (a school's figures are
    written again on each approval, a report filed, a target archived, a plan imported) moves every later row by one
    page position, so numbered pages would skip or repeat rows; the `next` link here names the last row read and
    goes on from it, and a row added meanwhile has a higher id, so it comes on a later page. `previous` is empty
    when paging by `after` (go back to the first page)."""

    after_query_param = "after"
    after_query_description = ("Chỉ lấy các dòng có mã số (id) lớn hơn số này: liên kết next dùng tham số này để "
                               "không dòng nào bị bỏ sót hay lặp lại khi số liệu thay đổi giữa hai trang.")

    def paginate_queryset(self, queryset, request, view=None):
        if self.page_query_param in request.query_params:
            self.after = None
            return super().paginate_queryset(queryset, request, view)
        queryset = queryset.order_by("pk")  # the list's own order (a path, a plan's order) is not one ids follow
        form = forms.Form(request.query_params)
        form.fields[self.after_query_param] = forms.IntegerField(required=False, min_value=0, max_value=access.MAX_ID)
        if not form.is_valid():
            raise InvalidParameter({name: list(errors) for name, errors in form.errors.items()})
        self.request, self.after = request, form.cleaned_data[self.after_query_param] or 0
        size = self.get_page_size(request)
        self.count = queryset.count()
        rows = list(queryset.filter(pk__gt=self.after)[:size + 1])
        self.more = len(rows) > size
        self.rows = rows[:size]
        return self.rows

    def get_paginated_response(self, data):
        if self.after is None:
            return super().get_paginated_response(data)
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        following = replace_query_param(url, self.after_query_param, self.rows[-1].pk) if self.more else None
        return Response({"count": self.count, "next": following, "previous": None, "results": data})

    def get_schema_operation_parameters(self, view):
        return [*super().get_schema_operation_parameters(view), {
            "name": self.after_query_param, "required": False, "in": "query",
            "description": self.after_query_description,
            "schema": {"type": "integer", "minimum": 0, "maximum": access.MAX_ID}}]
