from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


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
