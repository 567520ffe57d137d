from __future__ import annotations

import pytest

from smsvoice.domain.encoding import (
    GSM_BASIC_CHARACTERS,
    GSM_EXTENSION_CHARACTERS,
    MAX_GSM_CHARACTERS,
    MAX_UNICODE_CHARACTERS,
    TextAnalysis,
    analyze_text,
    detect_encoding,
    exceeds_max_size,
    is_gsm_character,
    split_parts,
)

CURLY_APOSTROPHE = "\u2019"
EMOJI = "\U0001f600"  # outside the BMP: a UTF-16 surrogate pair
CJK = "\u4e2d"  # 中


class TestCharacterSets:
    def test_basic_table_has_127_printable_characters(self) -> None:
        # 128 code points minus the escape to the extension table.
        assert len(GSM_BASIC_CHARACTERS) == 127

    @pytest.mark.parametrize(
        "char",
        [*"@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", "\n", "\r"],
    )
    def test_basic_characters_are_gsm(self, char: str) -> None:
        assert char in GSM_BASIC_CHARACTERS
        assert analyze_text(char) == TextAnalysis("GSM", 1, 1, 1)

    def test_letters_and_digits_are_gsm(self) -> None:
        alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        assert all(c in GSM_BASIC_CHARACTERS for c in alnum)

    @pytest.mark.parametrize("char", ["^", "{", "}", "\\", "[", "]", "~", "|", "€", "\f"])
    def test_extension_characters_cost_two_septets(self, char: str) -> None:
        assert char in GSM_EXTENSION_CHARACTERS
        assert char not in GSM_BASIC_CHARACTERS
        assert analyze_text(char) == TextAnalysis("GSM", 2, 1, 1)

    @pytest.mark.parametrize("char", [CURLY_APOSTROPHE, "ç", "`", "\t", "á", CJK, EMOJI, "\x1b"])
    def test_non_gsm_characters(self, char: str) -> None:
        assert not is_gsm_character(char)
        assert detect_encoding("abc" + char) == "UNICODE"


class TestGsmSegmentation:
    @pytest.mark.parametrize(
        ("length", "parts"),
        [(1, 1), (153, 1), (160, 1), (161, 2), (180, 2), (306, 2), (307, 3), (459, 3), (460, 4), (1530, 10)],
    )
    def test_plain_ascii(self, length: int, parts: int) -> None:
        analysis = analyze_text("a" * length)
        assert analysis == TextAnalysis("GSM", length, parts, length)

    def test_euro_signs_fill_exactly_one_part(self) -> None:
        assert analyze_text("€" * 80) == TextAnalysis("GSM", 160, 1, 80)

    def test_one_more_euro_sign_needs_two_parts(self) -> None:
        assert analyze_text("€" * 81) == TextAnalysis("GSM", 162, 2, 81)

    def test_escape_pair_is_not_split_across_parts(self) -> None:
        # 152 septets then a 2-septet char: it cannot straddle the 153 boundary, so the first
        # part carries only 152 septets and the remainder spills into a third part.
        body = "a" * 152 + "€" + "a" * 152
        assert analyze_text(body).units == 306
        parts = split_parts(body)
        assert parts == ["a" * 152, "€" + "a" * 151, "a"]
        assert analyze_text(body).parts == 3

    def test_pure_ascii_would_fit_two_parts(self) -> None:
        assert analyze_text("a" * 306).parts == 2

    def test_split_parts_round_trips(self) -> None:
        body = ("Hello {world} ~ " * 40).strip()
        parts = split_parts(body)
        assert "".join(parts) == body
        assert len(parts) == analyze_text(body).parts
        for part in parts:
            assert analyze_text(part).units <= 153


class TestUnicodeSegmentation:
    @pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3)])
    def test_cjk(self, length: int, parts: int) -> None:
        assert analyze_text(CJK * length) == TextAnalysis("UNICODE", length, parts, length)

    def test_one_curly_apostrophe_forces_unicode(self) -> None:
        body = "a" * 129 + CURLY_APOSTROPHE
        analysis = analyze_text(body)
        assert analysis == TextAnalysis("UNICODE", 130, 2, 130)
        assert split_parts(body) == ["a" * 67, "a" * 62 + CURLY_APOSTROPHE]

    def test_emoji_count_as_two_units(self) -> None:
        assert analyze_text(EMOJI) == TextAnalysis("UNICODE", 2, 1, 1)
        assert analyze_text(EMOJI * 35) == TextAnalysis("UNICODE", 70, 1, 35)
        assert analyze_text(EMOJI * 36).parts == 2

    def test_surrogate_pair_is_not_split(self) -> None:
        body = "a" * 66 + EMOJI + "a" * 10
        parts = split_parts(body)
        assert parts == ["a" * 66, EMOJI + "a" * 10]
        assert analyze_text(body).parts == 2

    def test_gsm_characters_in_unicode_message_cost_one_unit(self) -> None:
        # Once UCS-2 is chosen, '€' is an ordinary BMP character.
        assert analyze_text("€" + CJK) == TextAnalysis("UNICODE", 2, 1, 2)


class TestEdgesAndLimits:
    def test_empty_body_is_one_part(self) -> None:
        assert analyze_text("") == TextAnalysis("GSM", 0, 1, 0)
        assert split_parts("") == [""]

    def test_gsm_limit(self) -> None:
        assert MAX_GSM_CHARACTERS == 1530
        assert not exceeds_max_size(analyze_text("a" * 1530))
        assert exceeds_max_size(analyze_text("a" * 1531))
        # Extension characters count twice against the limit.
        assert exceeds_max_size(analyze_text("€" * 766))

    def test_unicode_limit(self) -> None:
        assert MAX_UNICODE_CHARACTERS == 630
        assert not exceeds_max_size(analyze_text(CJK * 630))
        assert exceeds_max_size(analyze_text(CJK * 631))
        assert exceeds_max_size(analyze_text(EMOJI * 316))
