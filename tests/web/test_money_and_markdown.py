import pytest

from participate.core.markdown import render_markdown
from participate.core.money import amount_input, format_money, to_minor


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("1 500 000,50", "SEK", 150_000_050),
        ("2500.5", "EUR", 250_050),
        ("0", "SEK", 0),
        ("187500000", "HUF", 18_750_000_000),
    ],
)
def test_amounts_become_integer_minor_units(text, currency, minor):
    assert to_minor(text, currency) == minor
    assert to_minor(amount_input(minor, currency), currency) == minor


@pytest.mark.parametrize("text", ["10.123", "lots", "1,2,3"])
def test_impossible_amounts_are_refused(text):
    with pytest.raises(ValueError):
        to_minor(text, "SEK")


def test_money_is_shown_in_the_reader_s_language():
    assert format_money(500_000_000, "SEK", "sv") == "5\u00a0000\u00a0000\u00a0kr"
    assert format_money(500_000_000, "SEK", "en") == "SEK\u00a05,000,000"
    assert format_money(150_000_050, "EUR", "en") == "€1,500,000.50"


def test_markdown_is_sanitised():
    html = str(
        render_markdown(
            "# Title\n\n<script>x()</script> [a](javascript:alert(1)) [b](https://ok.example) *i*"
        )
    )
    assert "<script" not in html and 'href="javascript:' not in html and "&lt;script&gt;" in html
    assert "<h2>Title</h2>" in html and "<em>i</em>" in html
    assert 'href="https://ok.example"' in html and 'rel="noopener noreferrer nofollow"' in html
