"""Vietnamese alphabetical order for names sorted in Python ("MN Hải Thành" before "MN Hòa Nghĩa").

Code-point order (SQLite's, and Python's own) puts "Hòa" before "Hải" (ò is U+00F2, ả U+1EA3) and "Đ" after
"Z". Here the letters come first, in the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …), case
ignored; the tones only decide between names spelled with the same letters (none, huyền, hỏi, ngã, sắc,
nặng); spaces, digits and punctuation sort before every letter.
"""

import functools
import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # each letter precomposed (NFC), one character
_RANK = {unicodedata.normalize("NFD", letter): rank for rank, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def vietnamese_sort_key(text):
    """A sort key putting `text` in Vietnamese alphabetical order (letters, then tones, then the text itself).

    Read a character at a time, each character's part of the key computed once (a list of 1,500 schools
    sorts in milliseconds); a combining mark left alone (typed apart from its letter, and that NFC could not
    join to it) sends the whole text the slow way, a letter with its marks at a time."""
    text = text or ""
    letters, tones = [], []
    for char in unicodedata.normalize("NFC", text.casefold()):
        key = _character_key(char)
        if key is None:
            return _decomposed_key(text)
        letters += key[0]
        tones += key[1]
    return tuple(letters), tuple(tones), text


@functools.lru_cache(maxsize=4096)
def _character_key(char):
    """(letters, tones) of one character; None for a combining mark (it belongs to the letter before)."""
    if unicodedata.combining(char):
        return None
    letters, tones, _ = _decomposed_key(char)
    return letters, tones


def _decomposed_key(text):
    """vietnamese_sort_key, a letter and its marks at a time."""
    letters, tones = [], []
    for base, marks in _characters(unicodedata.normalize("NFD", text.casefold())):
        letter = base + "".join(mark for mark in marks if mark not in _TONES)
        rank = _RANK.get(letter, _RANK.get(base))
        letters.append((1, rank) if rank is not None else (0, ord(base)))
        tones.append(next((_TONES[mark] for mark in marks if mark in _TONES), 0))
    return tuple(letters), tuple(tones), text


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
