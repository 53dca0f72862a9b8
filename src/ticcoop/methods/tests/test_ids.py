"""Tests for ticcoop.methods.ids (GB 32100-2015, GB 11714-1997, GB/T 2260, CMA numbers)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ticcoop.methods.ids import (
    CREDIT_CODE_ALPHABET,
    ISSUING_AUTHORITIES,
    ORG_CATEGORIES,
    PROVINCE_CODES,
    REGION_CODES,
    CertificateNumber,
    IdentifierError,
    check_credit_code,
    check_identifier,
    credit_code_check_character,
    format_certificate_number,
    make_credit_code,
    make_org_code,
    parse_certificate_number,
    validate_credit_code,
    validate_region_code,
)

# Real, issued credit codes quoted in public code (all also satisfy GB 11714-1997):
REAL_CODES = [
    # dromara/hutool, hutool-core/src/test/java/cn/hutool/core/util/CreditCodeUtilTest.java
    "91310110666007217T",
    "91310115591693856A",
    # the example in many validator READMEs (e.g. the hutool-derived parity tests)
    "91350100M000100Y43",
    # winjs-dev/cloud-utils, src/isUnifiedSocialCreditCode.ts (doc examples)
    "91230184MA1BUFLT44",
    "92371000MA3MXH0E3W",
    # maomaolulu/sys-java, .../wanda/constant/OrganizeInfoConstants.java (testing labs)
    "91330201MA282UF146",
    "91330401MA28ADM67R",
    # 02020/vite, learn/utils/validateSocialCreditCode.js (list of Xiamen companies)
    "91350200776049653A",
    "91350500798359476R",
    "91350200MA31E12PXF",
    "9135021359498494XQ",
    "91350213678251743X",
    "91440101MA5CJQ4N59",
]

# Codes issued by early pilot regions before GB 32100-2015 that do not satisfy
# its check character; they are rejected (as hutool does).  Sources:
# hutool CreditCodeUtilTest.isCreditCode2 and the bluesky335/IDCheck README.
PILOT_CODES = [
    ("91350211M00013FA1N", "3"),
    ("91350100M0001TGQXM", "1"),
    ("91350211M0000XUF46", "R"),
    ("91350203M0001FUE2P", "J"),
]


# ---------------------------------------------------------------- credit code


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_valid_in_both_modes(code: str) -> None:
    assert validate_credit_code(code) == code
    assert validate_credit_code(code, strict=True) == code
    assert check_credit_code(code) is None


@pytest.mark.parametrize(("code", "expected"), PILOT_CODES)
def test_early_pilot_codes_rejected_with_expected_check(code: str, expected: str) -> None:
    assert check_credit_code(code) == (
        f"wrong check character {code[17]!r} at position 18 — expected {expected!r}"
    )


def test_weights_and_alphabet() -> None:
    assert len(CREDIT_CODE_ALPHABET) == 31
    assert not set("IOZSV") & set(CREDIT_CODE_ALPHABET)
    assert credit_code_check_character("91350100M000100Y4") == "3"


def test_normalisation_whitespace_and_lowercase() -> None:
    assert validate_credit_code("  91350100m000100y43\n") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "length 17, expected 18"),
        ("9135I100M000100Y43", "character 'I' at position 5 is not allowed (GB 32100-2015"),
        ("91350100M000100Y4-", "character '-' at position 18 is not allowed"),
        ("01350100M000100Y43", "position 1 (registration authority) must be one of"),
        ("913501A0M000100Y43", "positions 3–8 must be a 6-digit administrative division code"),
        ("91990100M000100Y43", "positions 3–4 '99' are not a province-level code"),
        ("91350100M000100Y4A", "wrong check character 'A' at position 18 — expected '3'"),
    ],
)
def test_rejection_reasons(code: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_credit_code(code)
    assert reason in str(info.value)
    assert isinstance(info.value, ValueError)


def test_strict_checks_category_and_org_code() -> None:
    body = "9435" + "0100" + make_org_code("12345678")
    code = make_credit_code(body)  # category '4' not listed for authority '9'
    assert check_credit_code(code) is None
    reason = check_credit_code(code, strict=True)
    assert reason is not None and reason.startswith("position 2 (organisation category)")
    bad_org = make_credit_code("91110000123456780")  # GB 11714 check of 12345678 is '8'
    assert check_credit_code(bad_org) is None
    assert check_credit_code(bad_org, strict=True) == (
        "wrong organization-code check character '0' at position 17 — expected '8' (GB 11714-1997)"
    )


def test_make_org_code_known_values() -> None:
    assert make_org_code("12345678") == "123456788"
    assert make_org_code("M000100Y") == "M000100Y4"  # from 91350100M000100Y43
    assert make_org_code("MA282UF1") == "MA282UF14"  # from 91330201MA282UF146
    with pytest.raises(IdentifierError, match="length 7, expected 8"):
        make_org_code("1234567")


def test_make_credit_code_validates_body() -> None:
    assert make_credit_code("91350100M000100Y4") == "91350100M000100Y43"
    with pytest.raises(IdentifierError, match="position 1"):
        make_credit_code("Z1350100M000100Y4")


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    authority = draw(st.sampled_from(sorted(ORG_CATEGORIES)))
    category = draw(st.sampled_from(ORG_CATEGORIES[authority]))
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    county = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    org = make_org_code(draw(st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=8, max_size=8)))
    return make_credit_code(authority + category + province + county + org)


@settings(max_examples=40, deadline=None)
@given(valid_codes())
def test_generated_codes_valid_and_every_substitution_caught(code: str) -> None:
    assert validate_credit_code(code, strict=True) == code
    for pos in range(18):
        for ch in CREDIT_CODE_ALPHABET:
            if ch == code[pos]:
                continue
            altered = code[:pos] + ch + code[pos + 1 :]
            # 31 is prime and every weight is non-zero mod 31, so the check
            # character alone detects any single substitution.
            reason = check_credit_code(altered)
            assert reason is not None and "position" in reason, altered


@settings(max_examples=40, deadline=None)
@given(valid_codes())
def test_every_adjacent_transposition_caught(code: str) -> None:
    # Swapping C_i, C_{i+1} (i ≤ 16) changes the sum by (a−b)(w_i − 3·w_i) = −2(a−b)w_i,
    # non-zero mod 31; swapping C_17 and C_18 is valid only if they are equal.
    for pos in range(17):
        a, b = code[pos], code[pos + 1]
        if a == b:
            continue
        swapped = code[:pos] + b + a + code[pos + 2 :]
        reason = check_credit_code(swapped)
        assert reason is not None and "position" in reason, swapped


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=24))
def test_arbitrary_text_never_crashes_and_reason_is_located(text: str) -> None:
    reason = check_credit_code(text)
    if reason is not None:
        assert "position" in reason or reason.startswith("length ")


# ---------------------------------------------------------------- region codes


def test_region_codes() -> None:
    assert validate_region_code(" 11 ") == "11"
    assert validate_region_code("65") == "65"
    assert validate_region_code("13", known=REGION_CODES) == "13"
    with pytest.raises(IdentifierError, match="not one of the known regions"):
        validate_region_code("31", known=REGION_CODES)
    with pytest.raises(IdentifierError, match="not a province-level code"):
        validate_region_code("16")
    with pytest.raises(IdentifierError, match="character 'A' at position 2 is not a digit"):
        validate_region_code("1A")
    with pytest.raises(IdentifierError, match="length 3, expected 2"):
        validate_region_code("110")
    assert len(PROVINCE_CODES) == 34


# ---------------------------------------------------------- certificate numbers


def test_certificate_number_parse() -> None:
    cert = parse_certificate_number("240112340567")
    assert cert == CertificateNumber(2024, "01", "12", "34", 567)
    assert str(cert) == "240112340567"
    assert cert.region_code == "11"
    assert parse_certificate_number("190012340001").region_code == "00"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("24011234056", "length 11, expected 12"),
        ("2401A2340567", "character 'A' at position 5 is not a digit"),
        ("240712340567", "issuing authority '07' unknown (00 national, 01–05"),
        ("240112340000", "serial 0000 not allowed"),
    ],
)
def test_certificate_number_rejections(number: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as info:
        parse_certificate_number(number)
    assert reason in str(info.value)


def test_format_certificate_number() -> None:
    assert format_certificate_number(2024, "05", "01", "02", 9999) == "240501029999"
    assert format_certificate_number(24, "05", "01", "02", 1) == "240501020001"
    with pytest.raises(IdentifierError, match="serial 10000 out of range"):
        format_certificate_number(2024, "05", "01", "02", 10000)
    with pytest.raises(IdentifierError, match="issuing authority '06' unknown"):
        format_certificate_number(2024, "06", "01", "02", 1)
    with pytest.raises(IdentifierError, match="field '1' must be 2 digits"):
        format_certificate_number(2024, "05", "1", "02", 1)


@given(
    year=st.integers(2000, 2099),
    authority=st.sampled_from(sorted(ISSUING_AUTHORITIES)),
    field=st.integers(0, 99),
    sector=st.integers(0, 99),
    serial=st.integers(1, 9999),
)
def test_certificate_round_trip(
    year: int, authority: str, field: int, sector: int, serial: int
) -> None:
    text = format_certificate_number(year, authority, f"{field:02d}", f"{sector:02d}", serial)
    assert len(text) == 12 and text.isdigit()
    cert = parse_certificate_number(text)
    assert (cert.year, cert.authority, cert.serial) == (year, authority, serial)
    assert str(cert) == text


# ------------------------------------------------------------------ auto-detect


@pytest.mark.parametrize(
    ("code", "reason_part"),
    [
        ("91350100M000100Y43", None),
        ("240112340567", None),
        ("13", None),
        ("91350100M000100Y44", "wrong check character"),
        ("240712340567", "issuing authority '07' unknown"),
        ("99", "not a province-level code"),
        ("12345", "length 5"),
        ("", "length 0"),
    ],
)
def test_check_identifier(code: str, reason_part: str | None) -> None:
    reason = check_identifier(code)
    if reason_part is None:
        assert reason is None
    else:
        assert reason is not None and reason_part in reason
