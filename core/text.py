"""Text as a reader sees it: the one normalisation every rule that looks for numbers uses.

People type and paste numbers in many spellings: full-width digits (１３８), digits of other
scripts (Arabic-Indic ١٣٨, Devanagari १३८), Chinese numerals (一三八, 壹叁捌, 幺 for one when a
number is read out), invisible characters inside (zero-width space, soft hyphen, BOM, combining
marks), and any kind of space or dash between groups. `fold()` turns all of these into ASCII
digits, ASCII spaces and ASCII hyphens, so a pattern written for ASCII matches every spelling.

The folded text is for matching only; what is stored is what the user typed. `fold_with_origins()`
also gives, for each folded character, the index of the character of the original text it came
from, so a match in the folded text can be masked in the original (core.privacy.redact).

Chinese numerals become digits, yet ordinary Chinese text does not become a number: the rules
look for runs of 11 or 18 digits, and prose does not write eleven numerals in a row (十, 百, 千
and 万, which prose uses to write numbers, are not mapped). Nor does a numeral in a word hide a
number written next to it: in 张三13912345678 the 三 is part of a name. For that the rules use
`fold_with_origins(text, numerals_apart=True)`, where a numeral becomes a private-use character
(NUMERAL_DIGITS) that a pattern may count as a digit inside a number, but not as the digit
before or after one that makes a run longer.
"""

import functools
import unicodedata

_NUMERAL_CHARS = {
    **dict.fromkeys("〇零洞", "0"),
    **dict.fromkeys("一壹幺", "1"),
    **dict.fromkeys("二贰貳两", "2"),
    **dict.fromkeys("三叁參", "3"),
    **dict.fromkeys("四肆", "4"),
    **dict.fromkeys("五伍", "5"),
    **dict.fromkeys("六陆陸", "6"),
    **dict.fromkeys("七柒", "7"),
    **dict.fromkeys("八捌", "8"),
    **dict.fromkeys("九玖", "9"),
}
# A numeral's digit d is U+E000 + d while folding; fold() writes it as the ASCII digit.
NUMERAL_DIGITS = "".join(chr(0xE000 + d) for d in range(10))
CHINESE_NUMERALS = {ch: NUMERAL_DIGITS[int(d)] for ch, d in _NUMERAL_CHARS.items()}
_NUMERALS_AS_ASCII = str.maketrans({ch: str(d) for d, ch in enumerate(NUMERAL_DIGITS)})
# Characters that show nothing though their category is a letter or symbol (fillers, blanks).
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Dashes that are not in the dash-punctuation category (minus signs).
MINUS_SIGNS = frozenset("\u2212\u207b\u208b\ufe63\uff0d")
DROPPED_CATEGORIES = frozenset({"Cf", "Mn", "Me"})  # format characters, combining marks


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """What one character of the original becomes in the folded text ('' when it is dropped)."""
    if ch in CHINESE_NUMERALS:
        return CHINESE_NUMERALS[ch]
    if ch in INVISIBLE:
        return ""
    category = unicodedata.category(ch)
    if category in DROPPED_CATEGORIES:
        return ""
    if category == "Zs" or ch in "\t\n\r\x0b\x0c\u2028\u2029\x85":
        return " "
    if category == "Pd" or ch in MINUS_SIGNS:
        return "-"
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if ch.isascii():
        return ch
    out = []
    for part in unicodedata.normalize("NFKC", ch):
        if part != ch and (part in CHINESE_NUMERALS or not part.isascii()):
            out.append(fold_char(part))
        else:
            out.append(part)
    return "".join(out)


class _FoldTable(dict):
    """str.translate's table of fold_char, filled in as characters are met (numerals apart)."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


def fold_for_matching(text: str) -> str:
    """fold() with Chinese numerals apart (see fold_with_origins), at str.translate's speed."""
    return (text or "").translate(_TABLE)


def fold_with_origins(text: str, *, numerals_apart: bool = False) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index in `text` it came from;
    with numerals_apart, Chinese numerals are NUMERAL_DIGITS rather than ASCII digits."""
    parts, origins = [], []
    for index, ch in enumerate(text or ""):
        folded = ch if ch.isascii() and ch.isprintable() else fold_char(ch)
        if folded:
            parts.append(folded)
            origins.extend([index] * len(folded))
    folded = "".join(parts)
    return (folded if numerals_apart else folded.translate(_NUMERALS_AS_ASCII)), origins


def fold(text: str) -> str:
    """NFKC, format characters and combining marks removed, every digit and Chinese numeral an
    ASCII digit, every space a space and every dash a hyphen."""
    return fold_for_matching(text).translate(_NUMERALS_AS_ASCII)
