"""Stories written for the near-duplicate tests, and the edits that syndication makes to them.

Pairs of different stories share a subject, names and stock phrases on purpose (the bridge, the club, the
central bank): they must stay apart, while edited copies of one story must come together.
"""

from __future__ import annotations

import random

STORIES = {
    "bridge-repair": (
        "Council approves repairs to Harbour Bridge",
        [
            "Harbour City council voted on Tuesday to spend 14 million dollars repairing the Harbour Bridge, the "
            "ninety-year-old crossing that carries about 30,000 vehicles a day between the old town and the docks.",
            "Engineers found corrosion in two of the bridge's steel supports during an inspection last autumn and "
            "warned that weight limits would be needed within three years if nothing was done.",
            "Mayor Dana Whitcombe said the repairs would be carried out at night so that the bridge can stay open "
            'during the day. "This is the artery of our city and we cannot close it for months," she said.',
            "The work will start in March and take about eighteen months. The council will pay for it from its "
            "infrastructure fund and a loan from the regional development bank.",
            "Opposition councillor Ravi Tandon voted in favour but said the council had ignored warnings about the "
            "bridge for a decade. He asked for the inspection reports to be published in full.",
            "Cyclists' groups welcomed a plan to widen the footpath on the eastern side once the repairs are done, "
            "and business owners on the docks said night work would limit disruption to deliveries.",
        ],
    ),
    "bridge-storm": (
        "Harbour Bridge closed after storm damages railings",
        [
            "The Harbour Bridge was closed to traffic on Sunday morning after overnight gales tore away a section of "
            "railing and left debris across both carriageways, Harbour City police said.",
            "Winds of more than 110 kilometres per hour hit the coast during the night. Several boats broke their "
            "moorings in the marina and a lorry was blown onto its side on the coast road.",
            "Mayor Dana Whitcombe visited the bridge with engineers at dawn and said it would reopen once the "
            'structure had been checked. "Safety comes first, even if it means long queues," she said.',
            "Drivers were sent on a diversion through the industrial estate, adding up to forty minutes to journeys "
            "between the old town and the docks. Buses were running a reduced service.",
            "Councillor Ravi Tandon said the storm showed how much the city depends on a single crossing and called "
            "for plans for a second bridge to be brought forward.",
            "The weather service said the wind would ease on Monday, but warned of heavy rain and possible flooding "
            "in low-lying streets near the harbour.",
        ],
    ),
    "rivers-match": (
        "Rivers United beat City Athletic in derby",
        [
            "Rivers United beat City Athletic 2-1 in the league derby on Saturday, with substitute striker Jonah "
            "Pell scoring in the fourth minute of stoppage time at a packed Riverside Stadium.",
            "City Athletic had led through a first-half penalty from captain Owen Hale after a clumsy challenge in "
            "the box by United defender Luis Moreno.",
            "United's coach Elena Marsh made three changes at half-time and her side equalised just after the hour "
            "when Marta Kell headed in a corner from the right.",
            "The winner came after a long spell of pressure. Pell, on the pitch for only twelve minutes, turned "
            "sharply on the edge of the area and drove the ball low into the corner.",
            '"The players showed the character we talk about every week," Marsh said. "We never stopped believing '
            'we could win it."',
            "The result lifts United to third in the table, two points behind the leaders with six matches of the "
            "season left. City Athletic drop to seventh.",
        ],
    ),
    "rivers-contract": (
        "Rivers United coach Elena Marsh signs new contract",
        [
            "Rivers United coach Elena Marsh has signed a new three-year contract, the club announced on Thursday, "
            "ending weeks of speculation that she would leave for a bigger club in the summer.",
            "Marsh joined United two years ago when the club was bottom of the table and has led them to third "
            "place, their best position in more than a decade, with six matches of the season left.",
            "Chairman Peter Lomax said keeping Marsh was the most important decision the board would make this year. "
            '"She has changed the culture of this club from top to bottom," he said.',
            "The new deal includes money for two new players and improvements to the training ground, where work "
            "on a new gym and two pitches will start after the season ends.",
            '"I believe this team can achieve something special," Marsh said at a press conference at the '
            'Riverside Stadium. "There was never a moment I wanted to leave."',
            "Striker Jonah Pell, whose late goal won last weekend's derby against City Athletic, said the squad was "
            "delighted by the news.",
        ],
    ),
    "bank-decision": (
        "Central bank holds interest rates at 3.75 percent",
        [
            "The central bank kept its benchmark interest rate at 3.75 percent on Wednesday, saying inflation had "
            "cooled faster than expected but that wage growth remained strong.",
            "Annual consumer price inflation fell to 2.4 percent in January from 3.1 percent in December, helped by "
            "lower energy prices. Economists had expected a reading of 2.7 percent.",
            "Governor Anika Rao told reporters that the bank needed a few more months of evidence before lowering "
            "borrowing costs, and that the labour market was still tight.",
            "Seven members of the monetary policy committee voted to hold rates, while two voted for a cut of a "
            "quarter of a percentage point.",
            "Government bond yields rose slightly after the announcement and the currency gained 0.4 percent "
            "against the dollar, as traders reduced bets on a cut in March.",
            "The bank's new forecasts show inflation returning to its 2 percent target by the end of the year and "
            "economic growth of 1.1 percent.",
        ],
    ),
    "bank-speech": (
        "Central bank governor warns inflation fight is not over",
        [
            "Central bank governor Anika Rao warned on Monday that the fight against inflation was not over, even "
            "though price growth has fallen sharply from its peak two years ago.",
            "In a speech to business leaders, Rao said service prices were still rising quickly and that wage growth "
            "remained strong, which could keep inflation above the bank's 2 percent target.",
            '"We have come a long way, but the last mile is often the hardest," she said. "We will not lower '
            'borrowing costs until we are confident the job is done."',
            "The benchmark interest rate has been held at 3.75 percent for six months. Markets expect a first cut "
            "later this year.",
            "Rao also said the bank was watching house prices, which have started to rise again, and the weak "
            "currency, which makes imported goods more expensive.",
            "Business groups said high borrowing costs were hurting investment and urged the bank to act sooner.",
        ],
    ),
    "sodium-battery": (
        "Researchers report sodium battery that charges in twelve minutes",
        [
            "Researchers at the Northlake Institute of Technology say they have built a sodium-ion battery cell that "
            "charges to 80 percent in twelve minutes and keeps 90 percent of its capacity after 3,000 cycles.",
            "The team used a layered oxide cathode and a hard-carbon anode made from coconut shells, according to a "
            "study published in a materials science journal.",
            "Sodium is far more abundant than lithium, and the scientists argue the technology could make grid "
            "storage and cheap electric vehicles less dependent on scarce minerals.",
            "Independent experts welcomed the results but cautioned that the cells were tested at room temperature "
            "and that performance in cold weather has yet to be shown.",
            "The institute has filed patents and is talking to two manufacturers about building a pilot production "
            "line next year.",
        ],
    ),
}

EXTRA_PARAGRAPH = (
    "Update: officials confirmed on Wednesday afternoon that further details would be published next week after a "
    "meeting with representatives of local residents and businesses."
)
DATELINE = "HARBOUR CITY (Coast Wire) - "
FOOTER = (
    "This story was first published by Coast Wire and is republished with permission. Copyright 2026 Coast Wire "
    "Media. All rights reserved. Distributed by the Regional News Exchange."
)
SWAPS = {"said": "stated", "on Tuesday": "this week", "about": "around", "would": "will", "after": "following",
         "warned": "cautioned", "start": "begin", "more than": "over", "city": "town"}  # fmt: skip


def body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def reword(paragraphs: list[str], sentences: int, seed: int) -> list[str]:
    """Light rewording: swap a few words for synonyms in a few sentences."""
    rng = random.Random(seed)
    out = list(paragraphs)
    for index in rng.sample(range(len(out)), min(sentences, len(out))):
        text = out[index]
        for old, new in SWAPS.items():
            if old in text:
                text = text.replace(old, new, 1)
                break
        words = text.split()
        if len(words) > 12:
            del words[rng.randrange(3, len(words) - 3)]
        out[index] = " ".join(words)
    return out


def variants(key: str) -> dict[str, tuple[str, str]]:
    """Edited copies of one story: (title, body) by kind of edit."""
    title, paragraphs = STORIES[key]
    seed = sum(map(ord, key))
    return {
        "headline": (f"{title} - latest", body(paragraphs)),
        "drop": (title, body(paragraphs[:2] + paragraphs[3:])),
        "add": (title, body([*paragraphs, EXTRA_PARAGRAPH])),
        "reword": (title, body(reword(paragraphs, 3, seed))),
        "boilerplate": (title, DATELINE + body(paragraphs) + "\n\n" + FOOTER),
        "combined": (f"UPDATED: {title}", DATELINE + body(reword(paragraphs[1:], 2, seed + 1)) + "\n\n" + FOOTER),
    }
