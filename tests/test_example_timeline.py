"""Draws incidents/2026-10-14-api-and-dashboard-outage/timeline.png, byte for byte reproducibly.

Run `python tests/test_example_timeline.py` to rewrite the image after changing the drawing;
the tests below check that the checked-in file is exactly what this draws, and a valid PNG.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

WIDTH, HEIGHT, SCALE = 640, 232, 2
START, END = 13 * 60 + 45, 15 * 60 + 30  # minutes since midnight, UTC
LEFT, RIGHT = 124, 600
TARGET = (
    Path(__file__).resolve().parent.parent
    / "incidents"
    / "2026-10-14-api-and-dashboard-outage"
    / "timeline.png"
)
Color = tuple[int, int, int]
WHITE, INK, GRID = (255, 255, 255), (36, 41, 47), (208, 215, 222)
STATES: dict[str, Color] = {
    "operational": (45, 164, 78),
    "degraded": (212, 167, 44),
    "partial": (219, 109, 40),
    "major": (207, 34, 46),
}
ROWS = (  # label, [(from, to, state)]
    (
        "API",
        [
            ("13:45", "13:52", "operational"),
            ("13:52", "14:37", "major"),
            ("14:37", "14:55", "partial"),
            ("14:55", "15:30", "operational"),
        ],
    ),
    (
        "DASHBOARD",
        [
            ("13:45", "13:52", "operational"),
            ("13:52", "14:55", "major"),
            ("14:55", "15:20", "degraded"),
            ("15:20", "15:30", "operational"),
        ],
    ),
    (
        "SIGN-IN",
        [
            ("13:45", "13:52", "operational"),
            ("13:52", "14:37", "partial"),
            ("14:37", "14:55", "degraded"),
            ("14:55", "15:30", "operational"),
        ],
    ),
)
UPDATES = ("14:01", "14:19", "14:37", "14:55", "15:22")
LEGEND = (
    ("OK", "operational"),
    ("DEGRADED", "degraded"),
    ("PARTIAL", "partial"),
    ("MAJOR OUTAGE", "major"),
)
# A 5x7 bitmap font (only the characters drawn): each glyph is 7 rows of 5 bits.
FONT = {
    "A": "0E 11 11 1F 11 11 11",
    "B": "1E 11 11 1E 11 11 1E",
    "C": "0E 11 10 10 10 11 0E",
    "D": "1E 11 11 11 11 11 1E",
    "E": "1F 10 10 1E 10 10 1F",
    "G": "0E 11 10 17 11 11 0F",
    "H": "11 11 11 1F 11 11 11",
    "I": "0E 04 04 04 04 04 0E",
    "J": "07 02 02 02 02 12 0C",
    "K": "11 12 14 18 14 12 11",
    "L": "10 10 10 10 10 10 1F",
    "M": "11 1B 15 15 11 11 11",
    "N": "11 11 19 15 13 11 11",
    "O": "0E 11 11 11 11 11 0E",
    "P": "1E 11 11 1E 10 10 10",
    "R": "1E 11 11 1E 14 12 11",
    "S": "0F 10 10 0E 01 01 1E",
    "T": "1F 04 04 04 04 04 04",
    "U": "11 11 11 11 11 11 0E",
    "V": "11 11 11 11 11 0A 04",
    "W": "11 11 11 15 15 15 0A",
    "0": "0E 11 13 15 19 11 0E",
    "1": "04 0C 04 04 04 04 0E",
    "2": "0E 11 01 02 04 08 1F",
    "3": "1F 02 04 02 01 11 0E",
    "4": "02 06 0A 12 1F 02 02",
    "5": "1F 10 1E 01 01 11 0E",
    "6": "06 08 10 1E 11 11 0E",
    "7": "1F 01 02 04 08 08 08",
    "8": "0E 11 11 0E 11 11 0E",
    "9": "0E 11 11 0F 01 02 0C",
    ":": "00 0C 0C 00 0C 0C 00",
    "-": "00 00 00 1F 00 00 00",
    " ": "00 00 00 00 00 00 00",
    "(": "02 04 08 08 08 04 02",
    ")": "08 04 02 02 02 04 08",
}


class Canvas:
    def __init__(self) -> None:
        self.pixels = [bytearray(WHITE * WIDTH) for _ in range(HEIGHT)]

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: Color) -> None:
        for y in range(max(0, y0), min(HEIGHT, y1)):
            row = self.pixels[y]
            for x in range(max(0, x0), min(WIDTH, x1)):
                row[3 * x : 3 * x + 3] = bytes(color)

    def text(self, x: int, y: int, words: str, color: Color = INK) -> None:
        for char in words:
            for row, bits in enumerate(FONT[char].split()):
                for col in range(5):
                    if int(bits, 16) >> (4 - col) & 1:
                        self.rect(
                            x + col * SCALE,
                            y + row * SCALE,
                            x + (col + 1) * SCALE,
                            y + (row + 1) * SCALE,
                            color,
                        )
            x += 6 * SCALE

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.pixels)
        header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _x(clock: str) -> int:
    hours, minutes = map(int, clock.split(":"))
    return LEFT + round((hours * 60 + minutes - START) * (RIGHT - LEFT) / (END - START))


def draw() -> bytes:
    """The timeline: component states per row, public updates as ticks, a legend."""
    canvas = Canvas()
    canvas.text(8, 8, "14 OCTOBER (UTC) - TICKS: PUBLIC UPDATES")
    for index, (label, spans) in enumerate(ROWS):
        top = 38 + index * 36
        canvas.text(8, top + 7, label)
        for begin, end, state in spans:
            canvas.rect(_x(begin), top, _x(end), top + 28, STATES[state])
    for clock in ("14:00", "14:30", "15:00", "15:30"):
        canvas.rect(_x(clock), 34, _x(clock) + 1, 150, GRID)
        canvas.text(_x(clock) - 29, 176, clock)
    canvas.rect(LEFT, 150, RIGHT, 152, INK)
    for clock in UPDATES:
        canvas.rect(_x(clock) - 1, 152, _x(clock) + 2, 168, INK)
    x = 8
    for label, state in LEGEND:
        canvas.rect(x, 204, x + 16, 220, STATES[state])
        canvas.text(x + 22, 205, label)
        x += 22 + 12 * len(label) + 24
    return canvas.png()


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, checking each CRC."""
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


def test_checked_in_timeline_is_what_the_drawing_makes() -> None:
    assert TARGET.read_bytes() == draw(), "run: python tests/test_example_timeline.py"


def test_timeline_is_a_small_valid_png() -> None:
    data = TARGET.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) < 10_000
    chunks = _chunks(data)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, color = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height, depth, color) == (WIDTH, HEIGHT, 8, 2)
    assert len(zlib.decompress(chunks[1][1])) == HEIGHT * (1 + 3 * WIDTH)


if __name__ == "__main__":
    TARGET.write_bytes(draw())
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")
