"""What the OpenAPI schema says about the API's own authentication and pages."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .errors import CODES


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Khóa truy cập (nq71_…) tạo tại trang “Khóa API” của người dùng, hoặc khóa của "
                               "tài khoản dịch vụ do đơn vị tạo."}


PATH_PARAMETERS = {
    "id": "Mã số (id) của dòng.",
    "period_pk": "Mã số (id) của kỳ báo cáo.",
    "school_pk": "Mã số (id) của trường.",
}


def describe_path_parameters(result, generator, request, public):
    """A Vietnamese description for each path parameter (drf-spectacular leaves them without one), and the
    digits-only range of the URL patterns."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "path":
                    continue
                if not parameter.get("description"):
                    parameter["description"] = PATH_PARAMETERS.get(parameter["name"], "Mã số (id).")
                if parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"].setdefault("minimum", 0)  # the URL patterns take digits only (<int:…>)
    return result


CODE = {"type": "string", "enum": list(CODES),
        "description": "Mã lỗi ổn định để chương trình xử lý (không đổi khi câu chữ của detail đổi):\n"
                       + "\n".join(f"- {code}: {meaning}" for code, meaning in CODES.items())}
ERROR = {"type": "object", "required": ["detail", "code"], "properties": {
    "detail": {"type": "string", "description": "Lý do, bằng tiếng Việt."},
    "code": CODE,
}, "additionalProperties": True, "description": "Một lỗi: lý do và mã lỗi; có thể kèm bản hiện tại hoặc lỗi từng dòng."}
FIELD_ERRORS = {"type": "object", "required": ["detail", "code"], "properties": {
    "detail": {"type": "string", "description": "Lý do, bằng tiếng Việt."},
    "code": CODE,
    "errors": {"type": "object", "additionalProperties": True,
               "description": "Lý do theo từng trường hoặc tham số: {tên: [lý do]} (với entries: {mã mục: [lý do]})."},
}, "additionalProperties": True,
    "description": "Yêu cầu bị từ chối: detail, code và lỗi theo từng trường trong errors (lỗi từng trường cũng nằm ở "
                   "cấp trên cùng như trước, {trường: [lý do]}); ghi nhiều dòng: rows."}
REFUSALS = {
    "400": ("Yêu cầu không hợp lệ (tham số lọc, nội dung gửi lên).", FIELD_ERRORS),
    "401": ("Chưa xác thực, hoặc khóa truy cập không hợp lệ, hết hạn, đã thu hồi.", ERROR),
    "403": ("Không có quyền (hoặc khóa chỉ được đọc, hoặc thiếu mã CSRF).", ERROR),
    "404": ("Không tìm thấy, hoặc nằm ngoài phạm vi của bạn.", ERROR),
    "405": ("Địa chỉ này không nhận phương thức này.", ERROR),
    "406": ("Không có định dạng trả lời phù hợp với tiêu đề Accept.", ERROR),
    "415": ("Chỉ nhận nội dung JSON.", ERROR),
    "429": ("Quá nhiều yêu cầu với khóa truy cập này: thử lại sau số giây ở tiêu đề Retry-After.", ERROR),
    "500": ("Lỗi ở máy chủ (server_error): yêu cầu chưa được thực hiện.", ERROR),
    "503": ("Máy chủ tạm thời không truy cập được dữ liệu hoặc bộ nhớ lưu trữ (database_unavailable, database_busy, "
            "storage_unavailable): không có gì bị lưu dở; gửi lại sau số giây ở tiêu đề Retry-After.", ERROR),
}
RETRY_AFTER = {"Retry-After": {"description": "Số giây nên chờ trước khi gửi lại yêu cầu.",
                               "schema": {"type": "integer", "minimum": 0}}}
ETAG = {"ETag": {"description": "Dấu phiên bản của câu trả lời: gửi lại trong If-None-Match để nhận 304 khi dữ liệu "
                                "chưa đổi.", "schema": {"type": "string"}}}
NOT_MODIFIED = {"description": "Không thay đổi so với bản có ETag gửi trong If-None-Match (không có nội dung)."}


def document_refusals(result, generator, request, public):
    """The refusals every operation may answer, each with its shape (the API's pages of their own have none)."""
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in REFUSALS.items():
                entry = responses.setdefault(code, {"description": description})
                entry.setdefault("description", description)
                entry.setdefault("content", {"application/json": {"schema": schema}})
            for code in ("409", "412", "422"):
                if code in responses:
                    responses[code].setdefault("content", {"application/json": {"schema": ERROR}})
            for code in ("429", "503"):
                responses[code].setdefault("headers", {}).update(RETRY_AFTER)
            # every JSON read carries an ETag and answers 304 to If-None-Match (api.views.ConditionalMixin)
            if operation is operations.get("get") and "application/json" in responses.get("200", {}).get("content", {}):
                responses["200"].setdefault("headers", {}).update(ETAG)
                responses.setdefault("304", NOT_MODIFIED)
    return result
