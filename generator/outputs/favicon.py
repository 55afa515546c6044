"""`/favicon.svg` and `/favicon.ico`: the site's icon, drawn for the current overall state.

Every page links the same two paths and the build writes the current state's icon there. A
link that named the state would go stale in the pages a rebuild reuses unchanged (a resolved
incident's), so the state lives in the files, which every build writes afresh. The ICO holds
a PNG (a coloured disc): browsers without SVG icons get the state's colour, and a browser
that asks for /favicon.ico without a link finds one.
"""

from __future__ import annotations

import struct
import zlib
from datetime import datetime
from html import escape

from ..language.core import site_language
from ..model import derive
from ..model.types import ComponentState, Site

SVG_FILE = "favicon.svg"
ICO_FILE = "favicon.ico"
ICO_SIZE = 32

# The icon of each overall state: its colour and, in the SVG, a white mark besides the colour
# (a check, an exclamation mark, a cross, a clock), so the state never rests on colour alone.
ICONS: dict[str, tuple[str, str]] = {
    "operational": ("#1a7f37", '<path d="M9 16.5l4.5 4.5 9.5-10"/>'),
    "degraded": ("#b07d00", '<path d="M16 8v9"/><path d="M16 23v.5"/>'),
    "outage": ("#c62828", '<path d="M10.5 10.5l11 11M21.5 10.5l-11 11"/>'),
    "maintenance": ("#3557b7", '<circle cx="16" cy="16" r="8"/><path d="M16 11.5V16l3 2.5"/>'),
}
STATE_ICON = {
    ComponentState.OPERATIONAL: "operational",
    ComponentState.DEGRADED_PERFORMANCE: "degraded",
    ComponentState.PARTIAL_OUTAGE: "outage",
    ComponentState.MAJOR_OUTAGE: "outage",
    ComponentState.UNDER_MAINTENANCE: "maintenance",
}


def render(site: Site, now: datetime) -> dict[str, bytes]:
    overall = derive.overall(site, now)
    name = STATE_ICON[overall.state]
    title = site_language(site.settings).gettext(overall.description)  # the page's banner
    return {SVG_FILE: svg_icon(name, title), ICO_FILE: ico_icon(name)}


def svg_icon(name: str, title: str) -> bytes:
    """The icon of `name`, titled `title` (the page's banner, in the site's language)."""
    colour, mark = ICONS[name]
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" '
        f'data-state="{name}"><title>{escape(title)}</title>'
        f'<circle cx="16" cy="16" r="15" fill="{colour}"/>'
        '<g fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" '
        f'stroke-linejoin="round">{mark}</g></svg>\n'
    ).encode()


def ico_icon(name: str) -> bytes:
    """An ICO file holding one 32×32 PNG (allowed since Windows Vista, read by every browser)."""
    png = disc_png(ICO_SIZE, _rgb(ICONS[name][0]))
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", ICO_SIZE, ICO_SIZE, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def disc_png(size: int, rgb: tuple[int, int, int]) -> bytes:
    """A filled disc on transparency, its edge smoothed by each pixel's coverage."""
    centre, radius = size / 2, size / 2 - 1
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(size):
            distance = ((x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2) ** 0.5
            alpha = round(255 * min(1.0, max(0.0, radius + 0.5 - distance)))
            row += bytes((*rgb, alpha))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
