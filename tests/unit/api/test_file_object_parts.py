"""The pure parts of file objects: a file's MIME type, the header naming a download, and the
events recording an upload."""

from __future__ import annotations

from strata_api.file_objects import StoredFile, mime_type_of, with_file
from strata_api.routes.files import content_disposition
from strata_events import AttributeValue, NodeCreated, NodeUpdated

STORED = StoredFile(storage_id="s1", file_name="a.pdf", file_size=3, checksum="c", file_type="application/pdf")


def test_the_type_comes_from_the_content_then_the_name() -> None:
    assert mime_type_of(b"\x89PNG\r\n\x1a\n rest", "picture.txt") == "image/png"
    assert mime_type_of(b"words", "notes.txt") == "text/plain"
    assert mime_type_of(b"words", "no-extension") == "application/octet-stream"
    assert mime_type_of(b"", "empty.csv") == "text/csv"


def test_a_download_name_cannot_break_out_of_its_header() -> None:
    header = content_disposition('evil";\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="evil\'_Set-Cookie: x=1.pdf"; filename*=UTF-8\'\'')
    assert content_disposition("résumé.pdf", inline=True) == (
        "inline; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf")


def test_the_upload_is_recorded_on_the_objects_own_event() -> None:
    created = NodeCreated(node_id="n", kind="K", attributes={"name": AttributeValue(value="x")})
    peer = NodeUpdated(node_id="p", kind="P", peers_added={"files": ["n"]})
    [recorded, untouched] = with_file([created, peer], "n", "K", STORED)
    assert isinstance(recorded, NodeCreated) and recorded.attributes["name"].value == "x"
    assert recorded.attributes["storage_id"].value == "s1" and recorded.attributes["file_size"].value == 3
    assert untouched == peer
    # an update that changed nothing else of the object: an update of its own
    [only_peer, own] = with_file([peer], "n", "K", STORED)
    assert only_peer == peer and isinstance(own, NodeUpdated) and own.node_id == "n" and own.kind == "K"
    assert own.attributes["checksum"].value == "c"
