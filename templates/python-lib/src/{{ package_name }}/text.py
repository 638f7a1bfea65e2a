"""Text helpers."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, separator: str = "-") -> str:
    """Turn free text into a lowercase ASCII identifier.

    Accents are removed, every run of other characters becomes one ``separator``,
    and separators at both ends are dropped.

    >>> slugify("Évolution du Niveau de la Mer (2024)")
    'evolution-du-niveau-de-la-mer-2024'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub(separator, ascii_text.lower()).strip(separator)
