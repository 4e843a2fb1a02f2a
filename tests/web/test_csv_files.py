"""One CSV reader (core.csv_import) for every upload, and one formula guard (core.csv_export) for every
CSV written: the panels' files use both, with the messages they had."""

import pytest

from participate.core.errors import ValidationFailed
from participate.panels import csvfile


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xff\xfe\x00a", "The file is not UTF-8 text: save it as CSV (UTF-8) and try again."),
        (b"name\nx\n", "The first line must name the columns address, postcode; missing: address, postcode."),
        (b"address;postcode\n", "The file has no lines under its header."),
        (b"address,postcode\na,1\nb,2\nc,3\n", "The file has more than 2 lines."),
        (
            b"address,postcode\n" + b"a" * 200_000 + b",1\n",
            "Nothing was imported: line 2 cannot be read as CSV",
        ),
    ],
)
def test_the_panels_uploads_are_refused_with_their_messages(app, content, message):
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        csvfile.read(content, ("address", "postcode"), most=2)
    assert refused.value.message.startswith(message)


def test_a_good_upload_gives_the_header_and_padded_lines(app):
    with app.test_request_context():
        header, rows = csvfile.read(
            b"\xef\xbb\xbfAddress,Postcode\nStorgatan 1,111 22\n\n,\nKungsgatan 2\n", ["address"], most=5
        )
    assert header == {"address": 0, "postcode": 1}
    assert rows == [(2, ["Storgatan 1", "111 22"]), (5, ["Kungsgatan 2", ""])]


def test_exports_keep_formulas_as_text_and_numbers_as_numbers():
    lines = list(csvfile.write(["name", "n"], [['=HYPERLINK("x")', 3], ["-1 dag", -5], [None, "@a"]]))
    assert lines == ["name,n\r\n", '"\'=HYPERLINK(""x"")",3\r\n', "'-1 dag,-5\r\n", ",'@a\r\n"]
