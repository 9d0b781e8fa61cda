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
BEFORE, AFTER = 60, 40  # a figure starts at most this far before its cue word and ends this far after it


def blank_figures(text: str) -> str:
    """The text with each figure of speech replaced by as many spaces (offsets into it stay valid). The regex runs
    only around the cue words (every figure holds one): most texts hold none, and a long text holding some costs
    a short window per cue instead of a pass over all of it."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: offsets would not carry over
        return FIGURATIVE.sub(lambda match: " " * len(match.group()), text)
    spans: set[tuple[int, int]] = set()  # a figure holding two cues ("weathered the storm") is found twice
    for cue in CUES:
        at = lowered.find(cue)
        while at >= 0:
            spans.update(m.span() for m in FIGURATIVE.finditer(text, max(0, at - BEFORE), at + len(cue) + AFTER)
                         if m.start() <= at < m.end())  # fmt: skip
            at = lowered.find(cue, at + len(cue))
    if not spans:
        return text
    blanked = list(text)
    for start, end in spans:
        blanked[start:end] = " " * (end - start)
    return "".join(blanked)
