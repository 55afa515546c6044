"""URLs in contributed text are judged as a browser parses them: no spelling of another
site's address (tabs, newlines, control characters, backslashes, entities, percent-escapes,
scheme case) lets an image or any other resource load from it."""

from __future__ import annotations

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.outputs import urls
from statuspress.outputs.markdown import ALLOWED_ATTRIBUTES, rebase_relative_urls, render_markdown

PROPERTIES = settings(max_examples=150, deadline=None)
HOST = "evil.example"
# Characters a browser's URL parser drops or trims, where it drops or trims them.
DROPPED_ANYWHERE = ["\t", "\n", "\r"]
TRIMMED = [chr(c) for c in range(0x00, 0x21) if chr(c) not in "\0"]


@st.composite
def off_site_urls(draw: st.DrawFn) -> str:
    """An address of another site, spelt any way a browser still reads as that site."""
    slash = st.sampled_from(["/", "\\"])
    start = draw(
        st.sampled_from(
            [
                lambda a, b: f"{a}{b}",
                lambda a, b: f"https:{a}{b}",
                lambda a, b: f"HTTP:{a}{b}",
                lambda a, b: f"hTtPs:{a}{b}",
                lambda a, b: f"ftp:{a}{b}",
                lambda a, b: f"data:image/png;base64,{a}{b}",
            ]
        )
    )(draw(slash), draw(slash))
    url = f"{start}{HOST}/p.png?x=1"
    for _ in range(draw(st.integers(0, 4))):  # tabs and newlines anywhere
        at = draw(st.integers(0, len(url)))
        url = url[:at] + draw(st.sampled_from(DROPPED_ANYWHERE)) + url[at:]
    lead = draw(st.lists(st.sampled_from(TRIMMED), max_size=3))
    trail = draw(st.lists(st.sampled_from(TRIMMED), max_size=3))
    return "".join(lead) + url + "".join(trail)


def encoded(url: str, how: str) -> str:
    """`url` as written in Markdown or an attribute: characters as entities, or '/' as %2F."""
    if how == "entities":
        return "".join(f"&#{ord(c)};" if c in "\t\n\r/\\: " or ord(c) < 0x20 else c for c in url)
    if how == "percent":
        return url.replace("/", "%2F", 2)
    return url


def images(html: str) -> list[str | None]:
    page = html5lib.parse(html, namespaceHTMLElements=False)
    return [img.get("src") for img in page.iter("img")]


def loads_off_site(src: str) -> bool:
    return urls.parse(src).off_site


@PROPERTIES
@given(url=off_site_urls(), how=st.sampled_from(["plain", "entities", "percent"]))
def test_no_spelling_of_another_site_loads_an_image(url: str, how: str) -> None:
    assert not urls.loads_from_site(url)
    written = encoded(url, how)
    for allow_raw_html in (False, True):
        for text in (
            f"![pixel](<{written}>)",
            f'<img src="{written}" alt="pixel">',
            f'<img srcset="{written} 2x" alt="pixel">',
            f"<p><img src='{written}'></p>",
        ):
            found = images(render_markdown(text, allow_raw_html))
            assert not any(src and loads_off_site(src) for src in found), (text, found)


@PROPERTIES
@given(
    name=st.sampled_from(["timeline.png", "./a/b.png", "/timeline.png", "#top", "?v=2"]),
    noise=st.lists(st.tuples(st.integers(0, 20), st.sampled_from(DROPPED_ANYWHERE)), max_size=3),
)
def test_images_of_the_site_are_kept_as_the_browser_reads_them(
    name: str, noise: list[tuple[int, str]]
) -> None:
    spelt = name
    for at, char in noise:
        spelt = spelt[:at] + char + spelt[at:]
    assert urls.loads_from_site(spelt)
    assert urls.allowed_url("src", spelt) == name


@pytest.mark.parametrize(
    "value",
    [
        "/&#9;/evil.example/p.png",
        "/\t/evil.example/p.png",
        "\\\\evil.example/p.png",
        "/\\evil.example/p.png",
        "%2F%2Fevil.example/p.png",
        "%252F%252Fevil.example/p.png",
        "/%5Cevil.example/p.png",
        " //evil.example/p.png",
        "\x01//evil.example/p.png",
        "https:evil.example/p.png",
        "&#x2F;&#x2F;evil.example/p.png",
    ],
)
def test_the_reported_spellings_of_a_tracking_pixel_load_nothing(value: str) -> None:
    for allow_raw_html in (False, True):
        for text in (f"![p]({value})", f'<img src="{value}">'):
            found = images(render_markdown(text, allow_raw_html))
            assert not any(src and loads_off_site(src) for src in found), (text, found)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://vendor.example/status", "https://vendor.example/status"),
        ("/\t/vendor.example/", "//vendor.example/"),
        ("mailto:ops@acme.example", "mailto:ops@acme.example"),
        ("java\tscript:alert(1)", None),
        ("javascript%3Aalert(1)", None),
        (" data:text/html,<script>alert(1)</script>", None),
        ("vbscript:x", None),
    ],
)
def test_links_may_leave_the_site_only_through_a_safe_scheme(value: str, kept: str | None) -> None:
    assert urls.allowed_url("href", value) == kept


@pytest.mark.parametrize("attribute", sorted(urls.RESOURCE_ATTRIBUTES - {"srcset", "imagesrcset"}))
def test_every_resource_attribute_must_load_from_the_site(attribute: str) -> None:
    assert urls.allowed_url(attribute, "/\t/evil.example/x") is None
    assert urls.allowed_url(attribute, "diagram.png") == "diagram.png"


def test_a_srcset_loads_only_from_the_site() -> None:
    assert urls.allowed_url("srcset", "a.png 1x, b.png 2x") == "a.png 1x, b.png 2x"
    assert urls.allowed_url("srcset", "a.png 1x, \\\\evil.example/b.png 2x") is None
    assert urls.allowed_url("srcset", "a.png 1x,//evil.example/b.png 2x") is None


def test_every_url_attribute_the_sanitizer_keeps_is_judged() -> None:
    """An attribute added to the allowed ones later is judged here, or the test says so."""
    known_not_urls = {"title", "alt", "width", "height", "align", "scope", "datetime", "id"}
    for element, names in ALLOWED_ATTRIBUTES.items():
        for name in names:
            assert name in urls.URL_ATTRIBUTES or name in known_not_urls, (element, name)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<img src="timeline.png">', '<img src="../timeline.png">'),
        ('<a href="notes.txt">', '<a href="../notes.txt">'),
        ('<img src="/timeline.png">', '<img src="/timeline.png">'),
        ('<a href="//vendor.example/">', '<a href="//vendor.example/">'),
        ('<a href="#top">', '<a href="#top">'),
        ('<a href="https://vendor.example/">', '<a href="https://vendor.example/">'),
        ('<a href="&#9;//vendor.example/">', '<a href="&#9;//vendor.example/">'),
    ],
)
def test_only_urls_beside_the_page_are_rebased(html: str, expected: str) -> None:
    assert rebase_relative_urls(html, "../") == expected
