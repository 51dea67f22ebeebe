"""Vietnamese alphabetical order for names sorted in Python ("MN Hải Thành" before "MN Hòa Nghĩa").

Code-point order (SQLite's, and Python's own) puts "Hòa" before "Hải" (ò is U+00F2, ả U+1EA3) and "Đ" after
"Z". Here the letters come first, in the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …), case
ignored; the tones only decide between names spelled with the same letters (none, huyền, hỏi, ngã, sắc,
nặng); spaces, digits and punctuation sort before every letter.
"""

import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # each letter precomposed (NFC), one character
_RANK = {unicodedata.normalize("NFD", letter): rank for rank, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def vietnamese_sort_key(text):
    """A sort key putting `text` in Vietnamese alphabetical order (letters, then tones, then the text itself)."""
    letters, tones = [], []
    for base, marks in _characters(unicodedata.normalize("NFD", (text or "").casefold())):
        letter = base + "".join(mark for mark in marks if mark not in _TONES)
        rank = _RANK.get(letter, _RANK.get(base))
        letters.append((1, rank) if rank is not None else (0, ord(base)))
        tones.append(next((_TONES[mark] for mark in marks if mark in _TONES), 0))
    return tuple(letters), tuple(tones), text or ""


def _characters(decomposed):
    """(base character, its combining marks) for each character of an NFD string."""
    base, marks = None, []
    for char in decomposed:
        if unicodedata.combining(char) and base is not None:
            marks.append(char)
            continue
        if base is not None:
            yield base, marks
        base, marks = char, []
    if base is not None:
        yield base, marks
