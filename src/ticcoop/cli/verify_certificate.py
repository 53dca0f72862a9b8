"""``ticcoop verify-certificate``: check a certificate's signed token offline.

Input: the token itself (``TC1.…``), a verify URL containing ``?t=TC1.…``, or the path of a
certificate PDF (the token is read from its metadata or text).  Keys: the published key set
(``/.well-known/ticcoop-keys.json``) given with ``--keys`` (default ``ticcoop-keys.json`` in
the current directory).  No database and no Django: only ``ticcoop.methods.signing``.

The signature proves that the issuing region signed these fields; whether the certificate
was suspended or revoked *after* printing can only be seen online, on the verify page.

Exit status: 0 valid, 1 not valid, 2 usage error (missing or malformed key set, no input).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from urllib.parse import unquote

from ticcoop.methods.signing import KeySetError, PublicKeySet, SignatureInvalid, verify_payload

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
DEFAULT_KEYS = "ticcoop-keys.json"
#: A token anywhere in text or bytes (base64url parts; the verifier does the strict checks).
TOKEN_PATTERN = re.compile(rb"TC1(?:-SM2)?\.[0-9A-Za-z_-]*\.[0-9A-Za-z_-]*\.[0-9A-Za-z_-]*")
MAX_PDF_BYTES = 50 * 1024 * 1024
#: A token is under 2,000 characters and a URL or path well under this; a longer argument is
#: refused with a message (the file system would refuse it as a name with a traceback).
MAX_SOURCE_CHARS = 8192

LABELS = {
    "no": "证书编号",
    "name": "机构名称",
    "ucc": "统一社会信用代码",
    "issued": "发证日期",
    "expires": "有效期至",
    "status": "签发时状态",
    "v": "版本",
    "scope": "能力范围摘要",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ticcoop verify-certificate",
        description="离线核验证书二维码中的签名令牌（无需数据库）",
    )
    parser.add_argument("source", help="令牌（TC1.… 或 TC1-SM2.…）、核验网址，或证书 PDF 文件路径")
    parser.add_argument(
        "--keys",
        default=DEFAULT_KEYS,
        help=f"公钥集文件（/.well-known/ticcoop-keys.json 的副本；默认 {DEFAULT_KEYS}）",
    )
    return parser


def tokens_in(data: bytes) -> list[str]:
    """Distinct tokens found in ``data``, in order of appearance."""
    found: list[str] = []
    for match in TOKEN_PATTERN.finditer(data):
        token = match.group().decode("ascii")
        if token not in found:
            found.append(token)
    return found


def extract_token(source: str) -> tuple[str | None, str]:
    """(token or None, where it came from) for a token, URL or PDF path."""
    text = unquote(source.strip())
    if text.startswith(("TC1.", "TC1-SM2.")):
        return text, "命令行"
    path = Path(source)
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long or with a NUL byte is no file of ours
        is_file = False
    if is_file:
        if path.stat().st_size > MAX_PDF_BYTES:
            return None, f"文件 {path} 过大"
        found = tokens_in(path.read_bytes())
        if not found:
            return None, f"文件 {path} 中没有找到 TC1 令牌"
        return found[0], f"文件 {path}"
    found = tokens_in(text.encode("utf-8", "replace"))
    if found:
        return found[0], "网址"
    return None, f"“{source[:60]}”既不是令牌，也不是存在的文件"


def load_keys(path: str) -> PublicKeySet:
    return PublicKeySet.from_json(Path(path).read_bytes())


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if len(args.source) > MAX_SOURCE_CHARS:
        length = len(args.source)
        print(
            f"输入过长：{length} 个字符，最多 {MAX_SOURCE_CHARS} 个（令牌、网址或路径）",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        keyset = load_keys(args.keys)
    except OSError as exc:
        print(f"无法读取公钥集 {args.keys}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeySetError as exc:
        print(f"公钥集 {args.keys} 格式错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    token, origin = extract_token(args.source)
    if token is None:
        print(f"not valid: {origin}")
        return EXIT_INVALID
    try:
        verified = verify_payload(token, keyset)
    except SignatureInvalid as exc:
        print(f"{exc}（令牌来自{origin}）")
        return EXIT_INVALID
    print(
        f"valid: 签名有效（签发方 {verified.issuer}，密钥 {verified.kid}，{verified.key_status}）"
    )
    for key, value in sorted(verified.fields.items()):
        print(f"  {LABELS.get(key, key)}: {value}")
    print(
        "注意：离线核验只证明内容由发证机关签发；证书此后是否被暂停或撤销，请以在线核验页面为准。"
    )
    return EXIT_VALID


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
