"""Validation of the identifiers the platform handles.

Pure Python, no Django imports.  Three kinds of identifier are covered:

* the 18-character unified social credit code (统一社会信用代码) of
  GB 32100-2015, including the embedded organization code of GB 11714-1997;
* the 12-digit CMA certificate number (检验检测机构资质认定证书编号);
* the 2-digit province-level administrative division code of GB/T 2260.

Every rejection raises :class:`IdentifierError` (a :class:`ValueError`) whose
message says precisely why; positions in messages are 1-based.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "ISSUING_AUTHORITIES",
    "ORG_CATEGORIES",
    "PROVINCE_CODES",
    "REGION_CODES",
    "CertificateNumber",
    "IdentifierError",
    "check_credit_code",
    "check_identifier",
    "credit_code_check_character",
    "format_certificate_number",
    "make_credit_code",
    "make_org_code",
    "parse_certificate_number",
    "validate_credit_code",
    "validate_region_code",
]


class IdentifierError(ValueError):
    """An identifier is malformed; the message says why (positions are 1-based).

    ``code`` and ``params`` say the same for applications that word it in their own
    language (credit-code checks: ``length``, ``character``, ``excluded_character``,
    ``authority``, ``category``, ``division_digit``, ``province``, ``org_check``, ``check``).
    """

    def __init__(self, message: str, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


DIGITS = "0123456789"

# --------------------------------------------------------------------------
# GB 32100-2015 unified social credit code
# --------------------------------------------------------------------------

#: GB 32100-2015 §4.2: digits and upper-case Latin letters without I, O, Z, S, V.
#: A character's index in this string is its numeric value in the check formula.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_MODULUS = len(CREDIT_CODE_ALPHABET)  # 31, a prime
_VALUES = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}
#: GB 32100-2015 §5 weights W_i = 3^(i-1) mod 31 for positions 1..17.
_WEIGHTS = tuple(pow(3, i, _MODULUS) for i in range(17))
_EXCLUDED_NOTE = "GB 32100-2015 excludes I, O, Z, S, V"

#: Registration-authority code (position 1) → organisation-category codes
#: (position 2), after the code table published with GB 32100-2015
#: (1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会,
#: 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他).  Position 1 is always
#: checked against the keys; position 2 only in strict mode, because the
#: category lists have been extended by amendments and regional practice.
ORG_CATEGORIES: dict[str, str] = {
    "1": "1239",  # 机关, 事业单位, 中央编办直管群众团体, 其他
    "2": "19",  # 外国常驻新闻机构, 其他
    "3": "123459",  # 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 外国在华文化中心, 其他
    "5": "1239",  # 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 外国/港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 基层工会, 其他
    "9": "123",  # 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 军队事业单位, 其他
    "N": "1239",  # 组级/村级/乡镇级集体经济组织, 其他
    "Y": "1",  # 其他
}

#: GB/T 2260 province-level codes: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82.
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:02d}"
    for lo, hi in ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 82))
    for n in range(lo, hi + 1)
)
#: Extra leading pairs seen in positions 3–4 of issued credit codes: "10" for
#: registration by central (national) authorities (e.g. 12100000…) and "66"
#: for the Xinjiang Production and Construction Corps.
_CREDIT_CODE_EXTRA_DIVISIONS = frozenset({"10", "66"})

#: The five regions known to the methods package (the database can hold more).
REGION_CODES: dict[str, str] = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
}

# GB 11714-1997 organization code: weights for the 8 body characters.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_CHARS = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _normalise(code: str) -> str:
    """Strip surrounding whitespace and upper-case (lower-case input is accepted)."""
    return code.strip().upper()


def _check_length(code: str, expected: int) -> None:
    if len(code) != expected:
        raise IdentifierError(
            f"length {len(code)}, expected {expected}",
            "length",
            length=len(code),
            expected=expected,
        )


def _check_alphabet(code: str, offset: int = 0) -> None:
    """Every character must be in CREDIT_CODE_ALPHABET (GB 32100-2015 §4.2)."""
    for i, ch in enumerate(code, start=1 + offset):
        if ch not in _VALUES:
            if ch in "IOZSV":
                raise IdentifierError(
                    f"character {ch!r} at position {i} is not allowed ({_EXCLUDED_NOTE})",
                    "excluded_character",
                    character=ch,
                    position=i,
                )
            raise IdentifierError(
                f"character {ch!r} at position {i} is not allowed "
                f"(only digits and upper-case letters; {_EXCLUDED_NOTE})",
                "character",
                character=ch,
                position=i,
            )


def _weighted_check(body: str) -> str:
    total = sum(_VALUES[ch] * w for ch, w in zip(body, _WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(_MODULUS - total % _MODULUS) % _MODULUS]


def credit_code_check_character(body: str) -> str:
    """Return the GB 32100-2015 check character (position 18) for 17 characters.

    C18 = (31 − Σ_{i=1..17} value(C_i)·3^(i−1) mod 31) mod 31, mapped back through
    CREDIT_CODE_ALPHABET.  Only length and alphabet of ``body`` are checked here.
    """
    _check_length(body, 17)
    _check_alphabet(body)
    return _weighted_check(body)


def _check_structure(code: str, *, strict: bool) -> None:
    """Positions 1–8 (GB 32100-2015 §4.1): authority, category, division code."""
    authority, category = code[0], code[1]
    if authority not in ORG_CATEGORIES:
        known = ", ".join(ORG_CATEGORIES)
        raise IdentifierError(
            f"position 1 (registration authority) must be one of {known}, not {authority!r}",
            "authority",
            character=authority,
            allowed=known,
        )
    if strict and category not in ORG_CATEGORIES[authority]:
        allowed = ", ".join(ORG_CATEGORIES[authority])
        raise IdentifierError(
            f"position 2 (organisation category) must be one of {allowed} "
            f"for registration authority {authority!r}, not {category!r}",
            "category",
            character=category,
            allowed=allowed,
        )
    division = code[2:8]
    for i, ch in enumerate(division, start=3):
        if ch not in DIGITS:
            raise IdentifierError(
                "positions 3–8 must be a 6-digit administrative division code "
                f"(GB/T 2260); character {ch!r} at position {i} is not a digit",
                "division_digit",
                character=ch,
                position=i,
            )
    if division[:2] not in PROVINCE_CODES | _CREDIT_CODE_EXTRA_DIVISIONS:
        raise IdentifierError(
            f"positions 3–4 {division[:2]!r} are not a province-level code of GB/T 2260",
            "province",
            value=division[:2],
        )


def _org_value(ch: str) -> int:
    return _ORG_BODY_CHARS.index(ch)


def _org_check(body8: str) -> str:
    """GB 11714-1997 §5: C9 = 11 − Σ value·weight mod 11; 10 → 'X', 11 → '0'."""
    total = sum(_org_value(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _check_org_code(code: str) -> None:
    """Positions 9–17 carry a GB 11714-1997 organization code with its own check."""
    expected = _org_check(code[8:16])
    if code[16] != expected:
        raise IdentifierError(
            f"wrong organization-code check character {code[16]!r} at position 17 "
            f"— expected {expected!r} (GB 11714-1997)",
            "org_check",
            character=code[16],
            expected=expected,
        )


def validate_credit_code(code: str, *, strict: bool = False) -> str:
    """Validate a GB 32100-2015 unified social credit code and return it normalised.

    Surrounding whitespace is stripped and lower-case letters are accepted and
    upper-cased (people type codes from paper licences; the standard's
    alphabet is upper-case only, so the mapping is unambiguous).

    Checks, in order: length 18; alphabet; position 1 is a registration
    authority code; positions 3–8 are digits with a GB/T 2260 province prefix;
    position 18 is the GB 32100-2015 check character.

    ``strict=True`` adds two checks that are *not* applied by default:

    * position 2 is a category listed for the authority in ``ORG_CATEGORIES``;
    * positions 9–17 are a valid GB 11714-1997 organization code (check
      character at position 17).  GB 32100-2015 defines positions 9–17 as the
      organization code, and codes issued in practice satisfy it, but the
      18th character already protects the whole code and widely used public
      validators (e.g. hutool ``CreditCodeUtil``) do not check it, so a
      registry should not reject a code on this ground alone.  The platform
      uses strict mode for generated demo data (see :func:`make_org_code`).
    """
    normalised = _normalise(code)
    _check_length(normalised, 18)
    _check_alphabet(normalised)
    _check_structure(normalised, strict=strict)
    if strict:
        _check_org_code(normalised)
    expected = _weighted_check(normalised[:17])
    if normalised[17] != expected:
        raise IdentifierError(
            f"wrong check character {normalised[17]!r} at position 18 — expected {expected!r}",
            "check",
            character=normalised[17],
            expected=expected,
        )
    return normalised


def check_credit_code(code: str, *, strict: bool = False) -> str | None:
    """Return None if ``code`` is a valid credit code, else the reason."""
    try:
        validate_credit_code(code, strict=strict)
    except IdentifierError as exc:
        return str(exc)
    return None


def make_credit_code(body17: str) -> str:
    """Append the GB 32100-2015 check character to a 17-character body.

    The body is normalised and its structure (positions 1–8) validated.
    """
    body = _normalise(body17)
    _check_length(body, 17)
    _check_alphabet(body)
    _check_structure(body, strict=False)
    return body + _weighted_check(body)


def make_org_code(body8: str) -> str:
    """Append the GB 11714-1997 check character to an 8-character body.

    Body characters are digits or letters from CREDIT_CODE_ALPHABET (so the
    result can be embedded in a credit code); letters count A=10 … Z=35.
    """
    body = _normalise(body8)
    _check_length(body, 8)
    _check_alphabet(body)
    return body + _org_check(body)


# --------------------------------------------------------------------------
# GB/T 2260 province-level region codes
# --------------------------------------------------------------------------


def validate_region_code(code: str, known: Iterable[str] | None = None) -> str:
    """Validate a 2-digit province-level code (GB/T 2260) and return it stripped.

    If ``known`` is given, the code must also be one of those codes.
    """
    normalised = code.strip()
    _check_length(normalised, 2)
    for i, ch in enumerate(normalised, start=1):
        if ch not in DIGITS:
            raise IdentifierError(f"character {ch!r} at position {i} is not a digit")
    if normalised not in PROVINCE_CODES:
        raise IdentifierError(
            f"region code {normalised!r} is not a province-level code of GB/T 2260 "
            "(11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82)"
        )
    if known is not None:
        known_set = sorted(set(known))
        if normalised not in known_set:
            raise IdentifierError(
                f"region code {normalised!r} is not one of the known regions "
                f"({', '.join(known_set)})"
            )
    return normalised


# --------------------------------------------------------------------------
# CMA certificate number: YY AA FF SS NNNN
# --------------------------------------------------------------------------

#: Issuing-authority code (positions 3–4) → region code, "00" for national.
ISSUING_AUTHORITIES: dict[str, str] = {
    "00": "00",
    "01": "11",
    "02": "12",
    "03": "13",
    "04": "14",
    "05": "15",
}
_AUTHORITY_NOTE = "00 national, 01–05 Beijing, Tianjin, Hebei, Shanxi, Inner Mongolia"
MAX_SERIAL = 9999  # the four digits NNNN of a certificate number


@dataclass(frozen=True)
class CertificateNumber:
    """A parsed 12-digit CMA certificate number ``YY AA FF SS NNNN``.

    ``year`` is the full year of issue (2000 + YY); ``authority``, ``field``
    and ``sector`` are 2-digit strings; ``serial`` is 1–9999.
    """

    year: int
    authority: str
    field: str
    sector: str
    serial: int

    def __post_init__(self) -> None:
        _check_certificate_parts(self.year, self.authority, self.field, self.sector, self.serial)

    def __str__(self) -> str:
        return f"{self.year % 100:02d}{self.authority}{self.field}{self.sector}{self.serial:04d}"

    @property
    def region_code(self) -> str:
        """Region code of the issuing authority ("00" for the national authority)."""
        return ISSUING_AUTHORITIES[self.authority]


def _check_two_digits(value: str, name: str) -> None:
    if len(value) != 2 or any(ch not in DIGITS for ch in value):
        raise IdentifierError(f"{name} {value!r} must be 2 digits")


def _check_certificate_parts(
    year: int, authority: str, field: str, sector: str, serial: int
) -> None:
    if not 2000 <= year <= 2099:
        raise IdentifierError(f"year {year} out of range (2000–2099)")
    _check_two_digits(authority, "issuing authority")
    if authority not in ISSUING_AUTHORITIES:
        raise IdentifierError(f"issuing authority {authority!r} unknown ({_AUTHORITY_NOTE})")
    _check_two_digits(field, "field")
    _check_two_digits(sector, "sector")
    if serial == 0:
        raise IdentifierError("serial 0000 not allowed")
    if not 1 <= serial <= MAX_SERIAL:
        raise IdentifierError(f"serial {serial} out of range (0001–{MAX_SERIAL})")


def parse_certificate_number(number: str) -> CertificateNumber:
    """Parse a 12-digit certificate number; surrounding whitespace is stripped."""
    digits = number.strip()
    _check_length(digits, 12)
    for i, ch in enumerate(digits, start=1):
        if ch not in DIGITS:
            raise IdentifierError(f"character {ch!r} at position {i} is not a digit")
    authority = digits[2:4]
    if authority not in ISSUING_AUTHORITIES:
        raise IdentifierError(
            f"issuing authority {authority!r} unknown ({_AUTHORITY_NOTE}; positions 3–4)"
        )
    if digits[8:] == "0000":
        raise IdentifierError("serial 0000 not allowed (positions 9–12)")
    return CertificateNumber(
        year=2000 + int(digits[:2]),
        authority=authority,
        field=digits[4:6],
        sector=digits[6:8],
        serial=int(digits[8:]),
    )


def format_certificate_number(
    year: int, authority: str, field: str, sector: str, serial: int
) -> str:
    """Return the 12 digits; ``year`` may be full (2024) or two-digit (24)."""
    full_year = year + 2000 if 0 <= year <= 99 else year
    return str(CertificateNumber(full_year, authority, field, sector, serial))


# --------------------------------------------------------------------------
# Auto-detection
# --------------------------------------------------------------------------


def check_identifier(code: str) -> str | None:
    """Auto-detect the kind of ``code`` and return None if valid, else the reason.

    18 characters → credit code; 12 characters → certificate number;
    2 characters → region code (lengths after stripping whitespace).
    """
    stripped = code.strip()
    try:
        if len(stripped) == 18:
            validate_credit_code(stripped)
        elif len(stripped) == 12:
            parse_certificate_number(stripped)
        elif len(stripped) == 2:
            validate_region_code(stripped)
        else:
            return (
                f"length {len(stripped)}: not a credit code (18), "
                "certificate number (12) or region code (2)"
            )
    except IdentifierError as exc:
        return str(exc)
    return None
