"""Figures of speech whose words would count for a topic they are not about: "chipmaker shares weather the storm"
is not weather, "moving the goalposts" is not sport. Blanked before the lexicon and the model read a text."""

from __future__ import annotations

import re

FIGURATIVE = re.compile(
    r"\b(?:weather(?:s|ed|ing)? the storm|under the weather|perfect storm|storms? of (?:protest|criticism|anger)"
    r"|(?:took|take|takes|taken|taking) (?:\w+ )?by storm|storm in a teacup|brainstorm\w*|a whirlwind"
    r"|(?:moving|move|moved) the goalposts|level playing field|political football)\b",
    re.IGNORECASE,
)


CUES = ("storm", "weather", "goalpost", "whirlwind", "playing field", "football")  # one is in every figure


def blank_figures(text: str) -> str:
    """The text with each figure of speech replaced by as many spaces (offsets into it stay valid). The regex runs
    only on a text holding one of its cue words: most texts hold none, and the check costs a tenth of the regex."""
    lowered = text.lower()
    if not any(cue in lowered for cue in CUES):
        return text
    return FIGURATIVE.sub(lambda match: " " * len(match.group()), text)
