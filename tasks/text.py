"""Normalising the text people type into a task overview, so it can be compared."""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: object) -> str:
    """Lower-case ``text`` without accents, punctuation or repeated spaces.

    "  Uren (per jaar) " and "uren per JAAR" both become "uren per jaar";
    "ICT-coördinatie" becomes "ict coordinatie".
    """
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_WORD.sub(" ", ascii_only).strip()
