import pytest

from cogs.utils.parsing import parse_colour, parse_image_url


@pytest.mark.parametrize(
    "text", ["#ff8800", "ff8800", "FF8800", "0xff8800", "#f80", "rgb(255, 136, 0)", " #ff8800 "]
)
def test_colour_forms(text):
    assert parse_colour(text).value == 0xFF8800


def test_colour_names():
    assert parse_colour("Pink").value == 0xEB459F


@pytest.mark.parametrize("text", ["", "#", "nope", "#12345g", "rgb(1,2)", "#ff88000", "0x"])
def test_bad_colours_raise(text):
    with pytest.raises(ValueError):
        parse_colour(text)


def test_image_url_accepts_https_links():
    assert parse_image_url(" https://example.com/a.png ") == "https://example.com/a.png"


@pytest.mark.parametrize(
    "text",
    ["ftp://x/a.png", "http://", "javascript:alert(1)", "https://exa mple.com/x", "https://[::1",
     "example.com/a.png", "https://x.y/" + "a" * 3000],
)  # fmt: skip
def test_bad_image_urls_raise(text):
    with pytest.raises(ValueError):
        parse_image_url(text)
