"""What opening an uploaded Word or Excel file (.docx, .xlsx: a zip of XML parts) may cost, checked before anything
reads it whole. First the zip's directory: how many parts, how many bytes they unzip to (zipfile stops reading a
part at the size its directory states, so these bound what is unzipped). Then the XML parts that get parsed, read as
a stream that keeps nothing: how many elements. A few hundred kilobytes of zip unzip to 100 MB of XML, and a tree of
it takes gigabytes (lxml, python-docx, openpyxl's shared strings all build one).

One check for every reader of an upload: evidence files (units/evidence.py), the accounts' Excel list
(units/account_import.py), the school's offline form (reports/school_form_xlsx.py), the plan importer
(importer/extraction/reading.py); each says the refusal in its own words. Nothing here needs Django: the plan
importer reads in a child process.
"""

import zipfile

from lxml import etree

MB = 1024 * 1024
MAX_UNZIPPED_BYTES = 30 * MB  # every part of an uploaded form or list, unzipped (the school's form holds < 1 MB)
MAX_MEMBERS = 500  # parts of a zip (a Word document has 10 to 40, more with many pictures)
MAX_XML_PART_BYTES = 30 * MB  # one XML part that is parsed, unzipped
MAX_XML_ELEMENTS = 1_000_000  # elements of the XML parts read, about a second (a 300-page Word document: 500,000)


class TooLarge(ValueError):
    """Opening the file would cost too much. `bound` says which: "members", "bytes" or "elements"; `limit` the
    bound, `found` what the file holds (None when reading stopped at the bound)."""

    def __init__(self, bound, limit, found=None):
        super().__init__(f"{bound}: more than {limit}")
        self.bound, self.limit, self.found = bound, limit, found


def check_directory(archive, *, max_bytes=MAX_UNZIPPED_BYTES, max_members=MAX_MEMBERS):
    """The zip's members if there are at most `max_members` and they unzip to at most `max_bytes`; else TooLarge."""
    members = archive.infolist()
    if len(members) > max_members:
        raise TooLarge("members", max_members, len(members))
    total = sum(member.file_size for member in members)
    if total > max_bytes:
        raise TooLarge("bytes", max_bytes, total)
    return members


def is_xml(archive, member):
    """Whether a part's first bytes read as XML (a picture's do not): the parts a reader may parse."""
    if member.is_dir():
        return False
    with archive.open(member) as stream:
        head = stream.read(64)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def scan_xml(source, *, max_elements=MAX_XML_ELEMENTS, tag=None, on_element=None):
    """Read XML from the file-like `source` as a stream that keeps nothing: (elements, of which named `tag`, in
    Clark notation "{namespace}name"). TooLarge("elements") past `max_elements`, before a tree of them is built.
    Entities are never resolved nor DTDs loaded; depth and text nodes keep libxml2's bounds (no huge_tree);
    damaged XML raises etree.XMLSyntaxError. `on_element(element)` sees each element as it ends, with its
    attributes, before it is dropped."""
    elements = tagged = 0
    for _event, element in etree.iterparse(source, events=("end",), resolve_entities=False, no_network=True,
                                           load_dtd=False, huge_tree=False):
        elements += 1
        if elements > max_elements:
            raise TooLarge("elements", max_elements)
        if tag is not None and element.tag == tag:
            tagged += 1
        if on_element is not None:
            on_element(element)
        # drop what was read: the element's content, and the siblings before it (else a million empty
        # elements stay in their parent)
        element.clear(keep_tail=True)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
    return elements, tagged


def scan_part(archive, member, *, max_bytes=MAX_XML_PART_BYTES, max_elements=MAX_XML_ELEMENTS, tag=None,
              on_element=None):
    """scan_xml of one part of the zip (a ZipInfo or a name), refused (TooLarge "bytes") above `max_bytes` unzipped
    before a byte of it is read."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    if info.file_size > max_bytes:
        raise TooLarge("bytes", max_bytes, info.file_size)
    with archive.open(info) as stream:
        return scan_xml(stream, max_elements=max_elements, tag=tag, on_element=on_element)


def check_xml_parts(archive, members=None, *, max_elements=MAX_XML_ELEMENTS, max_part_bytes=MAX_XML_PART_BYTES,
                    skip=()):
    """Every XML part of the zip (less those whose names start with one of `skip`), read as a stream: each at most
    `max_part_bytes` unzipped and `max_elements` elements in all, else TooLarge. Damaged XML raises
    etree.XMLSyntaxError."""
    remaining = max_elements
    for member in members if members is not None else archive.infolist():
        if member.filename.startswith(tuple(skip)) or not is_xml(archive, member):
            continue
        try:
            elements, _ = scan_part(archive, member, max_bytes=max_part_bytes, max_elements=remaining)
        except TooLarge as too_large:
            if too_large.bound == "elements":
                raise TooLarge("elements", max_elements) from None
            raise
        remaining -= elements


# ---- writing: what a workbook the portal makes says is text stays text ----


def as_text(cells):
    """Mark every cell of `cells` holding a string as text: openpyxl writes a string that begins with "=" as a
    formula, so a unit named '=HYPERLINK("http://…","x")' would be a live link or computation in the workbook a
    user downloads (formula injection). The cells; numbers and empty cells are left as they are."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    return cells
