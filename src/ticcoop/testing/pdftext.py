"""Text drawn on the pages of a ReportLab PDF, for tests (no PDF library needed).

ReportLab writes page content as ASCII85 + Flate streams and the Chinese CID font's text as
UTF-16BE literal strings; this reads exactly that back. It is not a general PDF parser.
"""

from __future__ import annotations

import base64
import re
import zlib

_STREAM = re.compile(
    rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", re.S
)
_LITERAL = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    out = bytearray()
    index = 0
    while index < len(literal):
        char = literal[index : index + 1]
        if char != b"\\":
            out += char
            index += 1
            continue
        following = literal[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(0), 8))
            index += 1 + len(octal.group(0))
        else:
            out += _ESCAPES.get(following, following)
            index += 2
    return bytes(out)


def _decode(raw: bytes) -> str:
    if len(raw) % 2 == 0:
        try:
            text = raw.decode("utf-16-be")
        except UnicodeDecodeError:
            text = ""
        if text and all(ord(c) >= 0x20 for c in text):
            return text
    return raw.decode("latin-1")


def drawn_texts(body: bytes) -> list[str]:
    """Every text string drawn in the PDF's content streams, in order."""
    texts: list[str] = []
    for match in _STREAM.finditer(body):
        data = match.group(1).strip()
        content = zlib.decompress(base64.a85decode(b"<~" + data, adobe=True))
        texts.extend(_decode(_unescape(m.group(0)[1:-1])) for m in _LITERAL.finditer(content))
    return texts
