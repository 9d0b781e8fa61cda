"""Near-duplicate detection on news-like text: recall of edited and partial copies, merges of hard negatives, and
the cost per article of clustering a batch of 500 as the warehouse grows to a million stored articles.

    .venv/bin/python benchmarks/dedup.py [--sizes 10000 100000 1000000] [--families 300] [--fill-minutes 20]
                                         [--repeat 5] [--out DIR]

Text. The real texts are aeb-dev's gold article bodies (../shared/data/extraction/aeb-dev/ground-truth.json's
articleBody, those of 150 words or more), split in two halves: H (stored as originals) and F (only ever used
inside hard negatives). Generated stories come from a word-bigram model of those same texts, mixed with their
unigram frequencies so that unrelated stories share about as many 4-word shingles as unrelated real stories do
(the table's first lines compare them). Stories come in families (one news event): three family names spliced
into their sentences and 3-5 sentences of a family pool (the quote, the statement, the background) in each.
Without the aeb-dev folder the "real" texts are generated too (the output says so).

Quality (loaded with load_articles in batches of 500 into a fresh warehouse, originals first, then the probes
shuffled). Copies, which should join their original's cluster: light edits (new headline, a paragraph dropped,
wire boilerplate around it, a few words changed, an update line), 30% of sentences rewritten (every third word
replaced and the clause order turned), the first half only, the middle third only. Translations are left aside.
Hard negatives, different stories which should not: an H text's first paragraph leading an F text ("same event,
same lead"), an F text with an H text's names spliced in for its own ("same people"), a new story of a stored
story's family ("same day, same people, shared quotes"), and a follow-up that reuses 40% of a stored story
(background block) after a new lead of at least the stored story's length. For each kind: how many share a band
key with the text they come from (LSH candidates), how many pass the verification (overlap >= threshold, cover >=
0.25) against it, and how many ended in a cluster holding another story (recall for copies, merges for negatives).

Cost. The history is written with bulk inserts of articles and their band keys, both computed with newsflow's own
code (assign_identity, fingerprint, bands_table); families of ten: six originals, two light copies, two follow-ups,
the H texts and two light copies of each first. A batch of 500 probes (100 light copies, 100 rewritten 30%, 50
first halves, 50 middle thirds of stored originals of the first 10,000; 100 new family stories, 50 follow-ups, 50
real hard negatives) is fingerprinted and clustered (tasks.dedup.cluster.cluster_new_articles, nothing written)
`--repeat` times at each size; ms per article (median, best), split into the band-key join, reading the candidates'
texts and the rest (verification), with candidates per probe. Column "before" times, on the same ids in the same
run, the read as it was before it went through row numbers (one join on the id). The fill runs on every core
between measurements (never during one); it stops at `--fill-minutes` and the output then says what it reached.
With --out, DIR/dedup.json.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stages import DEV_SET, gold_texts, machine, wait_for_quiet

import tasks.dedup.cluster as cluster_module
from tasks.dedup.cluster import MIN_COVER, bands_table, cluster_new_articles, fingerprint, near_duplicate_threshold
from tasks.dedup.identity import assign_identity
from tasks.dedup.minhash import jaccard
from tasks.loading.load import load_articles
from tasks.models import Article
from warehouse.connect import Publish, open_warehouse, open_working

NOW = datetime(2026, 11, 28, tzinfo=UTC)
CHUNK = 10_000  # history articles per fill job
SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"(‘'])")
NAME = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z]+|[A-Z]\.))+")
COPIES = ("light", "rewrite 30%", "first half", "middle third")
NEGATIVES = ("same lead (real)", "names spliced (real)", "same family (gen)", "follow-up 40% (gen)")
UNIGRAM_MIX = 0.35  # share of words drawn from unigram frequencies instead of the bigram successors
WIRE = ("HARBOUR CITY (Wire) —", "(Wire Media) —", "NORTHLAKE, Nov 27 (Wire) —")
TAILS = ("Copyright 2026 Wire Media. All rights reserved.", "Reporting by the Wire desk; editing by staff.",
         "This story has been updated with additional details.")  # fmt: skip

Story = list[list[str]]  # paragraphs of sentences


class Chain:
    """A word-bigram model of some texts, drawn from in bulk with numpy (many lanes at once)."""

    def __init__(self, texts: list[str], mix: float = UNIGRAM_MIX) -> None:
        tokens = [t for text in texts for t in text.split()]
        self.vocab, ids = np.unique(np.array(tokens, dtype=object), return_inverse=True)
        self.words = self.vocab.tolist()
        counts = np.bincount(ids, minlength=len(self.vocab)).astype(float)
        self.unigram = np.cumsum(counts / counts.sum())
        pairs, pair_counts = np.unique(ids[:-1] * len(self.vocab) + ids[1:], return_counts=True)
        rows, self.successors = pairs // len(self.vocab), pairs % len(self.vocab)
        self.starts = np.searchsorted(rows, np.arange(len(self.vocab) + 1))
        running = np.cumsum(pair_counts)
        first = self.starts[rows]  # each pair's row's first pair
        within = running - (running[first] - pair_counts[first])
        totals = np.bincount(rows, weights=pair_counts, minlength=len(self.vocab))
        self.cum = rows + within / totals[rows]  # row r's successors cover (r, r + 1]
        self.mix = mix
        capital = [w.strip(".,;:!?\"'“”()") for w in self.words]
        self.names = sorted({w for w in capital if re.fullmatch(r"[A-Z][a-z]{2,}", w)})

    def draw(self, rng: np.random.Generator, lanes: int, steps: int) -> np.ndarray:
        current = np.searchsorted(self.unigram, rng.random(lanes)).clip(max=len(self.vocab) - 1)
        out = np.empty((steps, lanes), dtype=np.int32)
        for step in range(steps):
            out[step] = current
            bigram = np.searchsorted(self.cum, current + rng.random(lanes), side="right").clip(max=len(self.cum) - 1)
            unigram = np.searchsorted(self.unigram, rng.random(lanes)).clip(max=len(self.vocab) - 1)
            has_next = self.starts[current + 1] > self.starts[current]
            current = np.where(has_next & (rng.random(lanes) >= self.mix), self.successors[bigram], unigram)
        return out.T.reshape(-1)


@dataclass
class Family:
    names: list[str]
    pool: list[str]


@dataclass
class Doc:
    key: str
    title: str
    story: Story
    kind: str  # original, light, follow-up, real
    story_id: str  # which story it is (copies: their original's)
    family: int = -1


@dataclass
class Maker:
    """Sentences, stories and families from a chain, deterministic for a seed."""

    chain: Chain
    seed: int
    rng: random.Random = field(init=False)
    buffer: list[str] = field(init=False, default_factory=list)
    at: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.np_rng = np.random.default_rng(self.seed)

    def take(self, count: int) -> list[str]:
        if self.at + count > len(self.buffer):
            self.buffer = self.buffer[self.at :] + [self.chain.words[i] for i in self.chain.draw(self.np_rng, 500, 800)]
            self.at = 0
        self.at += count
        return self.buffer[self.at - count : self.at]

    def sentence(self, names: list[str] | None = None) -> str:
        words = list(self.take(self.rng.randint(10, 30)))
        if names and self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(names))
        text = " ".join(words)
        return text[0].upper() + text[1:].rstrip(",;:") + ("" if text[-1] in ".!?" else ".")

    def family(self) -> Family:
        names = [f"{self.rng.choice(self.chain.names)} {self.rng.choice(self.chain.names)}" for _ in range(3)]
        return Family(names, [self.sentence(names) for _ in range(12)])

    def story(self, family: Family, words: int | None = None) -> Story:
        target = words or int(min(2000, max(150, self.rng.lognormvariate(6.3, 0.5))))
        sentences, total = [], 0
        while total < target:
            sentences.append(self.sentence(family.names))
            total += len(sentences[-1].split())
        for shared in self.rng.sample(family.pool, self.rng.randint(3, 5)):
            sentences.insert(self.rng.randrange(len(sentences) + 1), shared)
        return paragraphs(sentences, self.rng)

    def title(self, family: Family) -> str:
        return f"{family.names[0]}: " + " ".join(self.take(7)).strip(".,;:")


def paragraphs(sentences: list[str], rng: random.Random) -> Story:
    out, at = [], 0
    while at < len(sentences):
        step = rng.randint(1, 4)
        out.append(sentences[at : at + step])
        at += step
    return out


def real_story(text: str) -> Story:
    return [SENTENCE_END.split(p.strip()) for p in text.split("\n") if p.strip()]


def flat(story: Story) -> list[str]:
    return [s for p in story for s in p]


def words_of(story: Story) -> int:
    return sum(len(s.split()) for s in flat(story))


def body(story: Story) -> str:
    return "\n\n".join(" ".join(p) for p in story if p)


# copies and negatives


def light(story: Story, maker: Maker) -> Story:
    """Two or three of: a paragraph dropped, wire boilerplate around it, a few words changed, an update line."""
    rng, out = maker.rng, [list(p) for p in story]
    for edit in rng.sample(["drop", "wire", "words", "update"], rng.randint(2, 3)):
        if edit == "drop" and len(out) > 3:
            out.pop(rng.randrange(1, len(out)))
        elif edit == "wire":
            out = [[rng.choice(WIRE)], *out, [rng.choice(TAILS)]]
        elif edit == "words":
            for _ in range(max(1, words_of(out) // 100)):
                p = rng.randrange(len(out))
                s = rng.randrange(len(out[p]))
                words = out[p][s].split()
                words[rng.randrange(len(words))] = maker.take(1)[0]
                out[p][s] = " ".join(words)
        elif edit == "update":
            out.append([f"Update: {maker.sentence()}"])
    return out


def paraphrase(sentence: str, maker: Maker) -> str:
    """Every third word replaced and the clause order turned: none of the sentence's 4-word shingles survive."""
    words = sentence.split()
    offset = maker.rng.randrange(3)
    words = [maker.take(1)[0] if (n + offset) % 3 == 0 else w for n, w in enumerate(words)]
    if len(words) > 8:
        cut = maker.rng.randrange(3, len(words) - 3)
        words = words[cut:] + words[:cut]
    return " ".join(words)


def rewrite(story: Story, maker: Maker, share: float = 0.3) -> Story:
    places = [(p, s) for p, para in enumerate(story) for s in range(len(para))]
    chosen = set(maker.rng.sample(places, round(share * len(places))))
    return [[paraphrase(x, maker) if (p, s) in chosen else x for s, x in enumerate(para)]
            for p, para in enumerate(story)]  # fmt: skip


def word_range(story: Story, start: float, end: float) -> Story:
    """The sentences whose first word lies in [start, end) of the text's words, paragraphs kept."""
    total, seen, out = words_of(story), 0, []
    for para in story:
        kept = []
        for sentence in para:
            if start * total <= seen < end * total:
                kept.append(sentence)
            seen += len(sentence.split())
        if kept:
            out.append(kept)
    return out


def follow_up(story: Story, family: Family, maker: Maker, share: float = 0.4) -> Story:
    """A new lead at least as long as the stored story, then a contiguous 40% of it (its background)."""
    sentences = flat(story)
    size = max(1, round(share * len(sentences)))
    start = maker.rng.randrange(1, max(2, len(sentences) - size + 1))
    return maker.story(family, words=words_of(story)) + paragraphs(sentences[start : start + size], maker.rng)


def splice_names(story: Story, names: list[str], rng: random.Random) -> Story:
    """Every name in the story replaced by one of `names` (the first sentence gains one if it had none)."""
    mapping: dict[str, str] = {}

    def swap(match: re.Match) -> str:
        return mapping.setdefault(match[0], names[len(mapping) % len(names)])

    out = [[NAME.sub(swap, s) for s in para] for para in story]
    if not mapping and out and out[0]:
        out[0][0] = f"{names[0]} said that " + out[0][0][:1].lower() + out[0][0][1:]
    return out


def names_in(story: Story) -> list[str]:
    found = Counter(m[0] for s in flat(story) for m in NAME.finditer(s))
    return [name for name, _ in found.most_common(4)] or ["Dana Marsh"]


def make_article(doc: Doc, when: datetime) -> Article:
    article = Article(source_uri=doc.key, body=body(doc.story), title=doc.title, url=f"https://bench.example/{doc.key}",
                      published_at=when)  # fmt: skip
    assign_identity([article])
    fingerprint(article)
    return article


# the history


_chain: Chain | None = None
_real: list[Story] = []


def init_worker(chain: Chain, real: list[Story]) -> None:
    global _chain, _real
    _chain, _real = chain, real


def history_docs(index: int, chain: Chain, real: list[Story]) -> tuple[list[Doc], dict[int, Family]]:
    """Chunk `index` of the history (CHUNK articles); chunk 0 starts with the H texts and two light copies each."""
    maker = Maker(chain, 1000 + index)
    docs: list[Doc] = []
    families: dict[int, Family] = {}
    if index == 0:
        for number, story in enumerate(real):
            docs.append(Doc(f"h{number}", f"Real story {number}", story, "real", f"h{number}"))
            for copy in range(2):
                edited = light(story, maker)
                docs.append(Doc(f"h{number}-light{copy}", f"Real story {number}", edited, "light", f"h{number}"))
    number = 0
    while len(docs) < CHUNK:
        f = index * CHUNK + number
        families[f] = family = maker.family()
        originals = []
        for slot in range(10):
            key = f"c{index}-f{number}-{slot}"
            if slot < 6:
                originals.append(Doc(key, maker.title(family), maker.story(family), "original", key, f))
                docs.append(originals[-1])
            elif slot < 8:
                origin = originals[slot - 6]
                docs.append(Doc(key, origin.title, light(origin.story, maker), "light", origin.story_id, f))
            else:
                origin = originals[slot - 6]
                docs.append(Doc(key, maker.title(family), follow_up(origin.story, family, maker), "follow-up", key, f))
        number += 1
    return docs[:CHUNK], families


def history_tables(index: int) -> tuple[pa.Table, pa.Table]:
    """The articles and band keys of chunk `index`, as the bulk insert takes them (runs in a worker)."""
    docs, _ = history_docs(index, _chain, _real)
    articles = []
    for number, doc in enumerate(docs):
        n = index * CHUNK + number
        articles.append(make_article(doc, NOW - timedelta(days=400) + timedelta(seconds=30 * n)))
    id_of = {doc.story_id: a.article_id for doc, a in zip(docs, articles) if doc.key == doc.story_id}
    rows = {
        "article_id": [a.article_id for a in articles], "url": [a.url for a in articles],
        "source_uri": [a.source_uri for a in articles], "title": [a.title for a in articles],
        "body": [a.body for a in articles], "content_hash": [a.content_hash for a in articles],
        "cluster_id": [id_of.get(d.story_id, a.article_id) for d, a in zip(docs, articles)],
        "published_at": [a.published_at for a in articles],
        "ingested_at": [a.published_at + timedelta(hours=1) for a in articles],
        "word_count": [len(a.body.split()) for a in articles],
    }  # fmt: skip
    return pa.table(rows), bands_table(articles)


INSERT_SQL = """
insert into articles (article_id, url, source_uri, title, body, content_hash, cluster_id, run_id, ingested_at,
                      published_at, word_count, input_format)
select article_id, url, source_uri, title, body, content_hash, cluster_id, 'fill', ingested_at, published_at,
       word_count, 'bench' from fill_articles
"""


def fill(db: str, done: int, target: int, chain: Chain, real: list[Story], deadline: float) -> int:
    """Insert history articles [done, target) (and their band keys) on every core; stop at `deadline`."""
    first, last = done // CHUNK, -(-target // CHUNK)
    context = multiprocessing.get_context("fork")
    with context.Pool(len(os.sched_getaffinity(0)), init_worker, (chain, real)) as pool, \
            open_working(db, Publish.LATER) as con:  # fmt: skip
        for index, (articles, bands) in zip(range(first, last), pool.imap(history_tables, range(first, last))):
            low, high = max(done, index * CHUNK) - index * CHUNK, min(target, (index + 1) * CHUNK) - index * CHUNK
            if (low, high) != (0, CHUNK):
                articles = articles.slice(low, high - low)
                bands = bands.filter(pc.is_in(bands["article_id"], value_set=articles["article_id"].combine_chunks()))
            con.register("fill_articles", articles)
            con.register("fill_bands", bands)
            con.execute(INSERT_SQL)
            con.execute("insert into article_bands select bucket, article_id from fill_bands")
            con.unregister("fill_articles")
            con.unregister("fill_bands")
            done = index * CHUNK + high
            if time.monotonic() > deadline and done < target:
                pool.terminate()
                break
        con.execute("checkpoint")
    return done


# probes and measurements


def probe_docs(chain: Chain, real: list[Story], spare: list[Story], stored: int) -> list[Doc]:
    """The 500 probes of the cost measurement, made from chunk 0's first `stored` articles."""
    docs, families = history_docs(0, chain, real)
    docs = docs[:stored]
    maker = Maker(chain, 77)
    originals = [d for d in docs if d.kind in ("original", "real")]
    out = []
    for count, kind in ((100, "light"), (100, "rewrite 30%"), (50, "first half"), (50, "middle third")):
        for n, doc in enumerate(maker.rng.sample(originals, min(count, len(originals)))):
            out.append(Doc(f"p-{kind}-{n}", doc.title, edit(kind, doc.story, maker), kind, doc.story_id))
    family_ids = sorted({d.family for d in docs if d.family >= 0})
    for n in range(100):
        out.append(Doc(f"p-fam-{n}", "New family story", maker.story(families[maker.rng.choice(family_ids)]),
                       "same family (gen)", f"p-fam-{n}"))  # fmt: skip
    generated = [d for d in originals if d.family >= 0]
    for n, doc in enumerate(maker.rng.sample(generated, min(50, len(generated)))):
        story = follow_up(doc.story, families[doc.family], maker)
        out.append(Doc(f"p-follow-{n}", "Follow-up", story, "follow-up 40% (gen)", f"p-follow-{n}"))
    for n in range(50):
        lead, other = maker.rng.choice(real), spare[n % len(spare)]
        story = [lead[0], *other[1:]] if n % 2 == 0 else splice_names(other, names_in(lead), maker.rng)
        out.append(Doc(f"p-neg-{n}", "Other story", story, NEGATIVES[n % 2], f"p-neg-{n}"))
    return out


def edit(kind: str, story: Story, maker: Maker) -> Story:
    if kind == "light":
        return light(story, maker)
    if kind == "rewrite 30%":
        return rewrite(story, maker)
    if kind == "first half":
        return word_range(story, 0, 0.5)
    return word_range(story, 1 / 3, 2 / 3)


def cost(db: str, probes: list[Doc], repeat: int) -> dict:
    """ms per article to fingerprint and cluster the probe batch against the stored articles (nothing written)."""
    articles = [make_article(d, NOW + timedelta(days=1)) for d in probes]
    clock: dict[str, float] = defaultdict(float)
    pairs = []
    real_join, real_read = cluster_module.band_candidates, cluster_module.read_candidates

    def join(*args):
        started = time.perf_counter()
        result = real_join(*args)
        clock["join"] += time.perf_counter() - started
        pairs.append(len(result))
        return result

    def read(con, ids):
        # like with like: the read as it was before (one join on the id) on the same ids, in turn first and second;
        # its time is left out of the total
        results = {}
        for name, function in (("read", real_read), ("read_one_join", read_by_join))[:: 1 if len(totals) % 2 else -1]:
            started = time.perf_counter()
            results[name] = function(con, ids)
            clock[name] += time.perf_counter() - started
        assert results["read"] == results["read_one_join"]
        return results["read"]

    totals, parts = [], []
    cluster_module.band_candidates, cluster_module.read_candidates = join, read
    try:
        with open_working(db, Publish.READ) as con:
            for _ in range(repeat):
                clock.clear()
                started = time.perf_counter()
                for article in articles:
                    article.shingles = article.bands = None
                    fingerprint(article)
                clock["fingerprint"] = time.perf_counter() - started
                result = cluster_new_articles(con, articles, NOW + timedelta(days=1))
                totals.append(time.perf_counter() - started - clock["read_one_join"])
                parts.append(dict(clock))
    finally:
        cluster_module.band_candidates, cluster_module.read_candidates = real_join, real_read
    (stored,) = con_count(db)
    joined = sum(1 for a in articles if a.cluster_id != a.article_id)
    middle = sorted(range(repeat), key=lambda n: totals[n])[repeat // 2]
    per = {k: v / len(articles) * 1000 for k, v in parts[middle].items()}
    return {
        "stored": stored, "ms_median": statistics.median(totals) / len(articles) * 1000,
        "ms_best": min(totals) / len(articles) * 1000, "ms_parts_of_median_run": per,
        "candidates_per_probe": pairs[-1] / len(articles), "links_per_probe": result.links.num_rows / len(articles),
        "probes_joining_a_stored_cluster": joined,
    }  # fmt: skip


def read_by_join(con, ids: list[str]) -> dict[str, tuple]:
    """read_candidates before it went through row numbers: one join on the id (kept to compare in one run)."""
    rows = con.execute(
        "select article_id, body, coalesce(cluster_id, article_id), ingested_at, published_at from articles"
        " where article_id in (select unnest($ids))",
        {"ids": ids},
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def con_count(db: str) -> tuple[int]:
    with open_working(db, Publish.READ) as con:
        return con.execute("select count(*) from articles").fetchone()


def quality(chain: Chain, real: list[Story], spare: list[Story], families: int) -> dict:
    """Originals loaded first, then copies and hard negatives, in batches of 500; per kind, what happened."""
    maker = Maker(chain, 5)
    originals = [Doc(f"q-h{n}", f"Real story {n}", s, "real", f"q-h{n}") for n, s in enumerate(real)]
    fams = {}
    for f in range(families):
        fams[f] = family = maker.family()
        originals += [Doc(f"q-f{f}-{m}", maker.title(family), maker.story(family), "original", f"q-f{f}-{m}", f)
                      for m in range(6)]  # fmt: skip
    probes, source_of = [], {}
    real_docs = [d for d in originals if d.kind == "real"]
    copied = real_docs + [d for d in originals if d.key.endswith(("-0", "-1")) and d.kind == "original"]
    for doc in copied:  # the real texts, and two originals of each family
        for kind in COPIES:
            probes.append(Doc(f"{doc.key}-{kind}", doc.title, edit(kind, doc.story, maker), kind, doc.story_id))
            source_of[probes[-1].key] = doc
    for n, doc in enumerate(real_docs):  # story ids name the F text each negative is mostly made of
        first, second = n % len(spare), (n + 1) % len(spare)
        probes.append(Doc(f"neg-lead-{n}", "Other story", [doc.story[0], *spare[first][1:]], NEGATIVES[0],
                          f"F{first}"))  # fmt: skip
        spliced = splice_names(spare[second], names_in(doc.story), maker.rng)
        probes.append(Doc(f"neg-names-{n}", "Other story", spliced, NEGATIVES[1], f"F{second}"))
        source_of[f"neg-lead-{n}"] = source_of[f"neg-names-{n}"] = doc
    for f, family in fams.items():
        doc = originals[len(real_docs) + 6 * f + 2]
        probes.append(Doc(f"neg-fam-{f}", maker.title(family), maker.story(family), NEGATIVES[2], f"neg-fam-{f}"))
        probes.append(Doc(f"neg-follow-{f}", "Follow-up", follow_up(doc.story, family, maker), NEGATIVES[3],
                          f"neg-follow-{f}"))  # fmt: skip
        source_of[f"neg-fam-{f}"], source_of[f"neg-follow-{f}"] = originals[len(real_docs) + 6 * f], doc
    maker.rng.shuffle(probes)
    threshold = near_duplicate_threshold()
    made = {}
    for n, doc in enumerate(originals):
        made[doc.key] = make_article(doc, NOW - timedelta(days=2, seconds=-n))
    for n, doc in enumerate(probes):
        made[doc.key] = make_article(doc, NOW - timedelta(days=1, seconds=-n))
    story_of = {d.key: d.story_id for d in originals + probes}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "quality.duckdb")
        started = time.perf_counter()
        for docs, when in ((originals, NOW - timedelta(days=1)), (probes, NOW)):
            for start in range(0, len(docs), 500):
                batch = [made[d.key] for d in docs[start : start + 500]]
                load_articles(db, batch, "bench", when + timedelta(minutes=start))
        seconds = time.perf_counter() - started
        with open_warehouse(db) as con:
            cluster_of = dict(con.execute("select s.source_uri, a.cluster_id from sightings s join articles a"
                                          " using (article_id)").fetchall())  # fmt: skip
    stories_in: dict[str, set[str]] = defaultdict(set)
    for key, cluster in cluster_of.items():
        stories_in[cluster].add(story_of[key])
    rows = {kind: Counter() for kind in COPIES + NEGATIVES}
    for doc in probes:
        mine, theirs = made[doc.key], made[source_of[doc.key].key]
        row = rows[doc.kind]
        row["n"] += 1
        row["band"] += bool(np.intersect1d(mine.bands, theirs.bands).size)
        row["verifies"] += cluster_module.story_similarity(mine.shingles, theirs.shingles, threshold) is not None
        row["jaccard"] += jaccard(mine.shingles, theirs.shingles)
        if doc.kind in COPIES:
            mine_cluster, origin_cluster = cluster_of[doc.key], cluster_of[source_of[doc.key].key]
            row["joined"] += mine_cluster == origin_cluster
            row["apart"] += mine_cluster != origin_cluster and stories_in[mine_cluster] == {doc.story_id}
        else:
            row["joined"] += len(stories_in[cluster_of[doc.key]]) > 1
    merged = sum(len(s) - 1 for s in stories_in.values() if len(s) > 1)
    return {"originals": len(originals), "probes": len(probes), "stories": len(set(story_of.values())),
            "rows": {k: dict(v) for k, v in rows.items()}, "false_merges": merged, "load_s": seconds,
            "threshold": threshold, "min_cover": MIN_COVER}  # fmt: skip


def similarity_facts(chain: Chain, real: list[Story], pairs: int = 300) -> dict:
    """Mean 4-shingle Jaccard of unrelated real stories, unrelated generated ones and same-family ones."""
    maker, rng = Maker(chain, 9), random.Random(9)
    fams = [maker.family() for _ in range(40)]
    gen = [(f, maker.story(fams[f])) for f in range(40) for _ in range(3)]
    shingles = lambda s: make_article(Doc("x", "", s, "", ""), NOW).shingles  # noqa: E731
    real_sh, gen_sh = [shingles(s) for s in real], [(f, shingles(s)) for f, s in gen]

    def mean(pick) -> float:
        values = [jaccard(*pick()) for _ in range(pairs)]
        return statistics.mean(values)

    def unrelated():
        (fa, a), (fb, b) = rng.sample(gen_sh, 2)
        return (a, b) if fa != fb else unrelated()

    def same_family():
        f = rng.randrange(40)
        a, b = rng.sample([s for g, s in gen_sh if g == f], 2)
        return a, b

    return {"real_unrelated": mean(lambda: rng.sample(real_sh, 2)), "generated_unrelated": mean(unrelated),
            "generated_real": mean(lambda: (rng.choice(gen_sh)[1], rng.choice(real_sh))),
            "same_family": mean(same_family)}  # fmt: skip


def signature_speed(stories: list[Story]) -> dict:
    """newsflow's numpy MinHash beside datasketch's (same shingles, 128 permutations), ms per article."""
    from tasks.cleaning.words import text_words
    from tasks.dedup.minhash import shingle_hashes, signature

    texts = [body(s) for s in stories]
    started = time.perf_counter()
    for text in texts:
        signature(shingle_hashes(text))
    ours = (time.perf_counter() - started) / len(texts) * 1000
    try:
        from datasketch import MinHash
    except ImportError:
        return {"numpy_ms": ours, "datasketch_ms": None}
    started = time.perf_counter()
    for text in texts:
        words = text_words(text)
        minhash = MinHash(num_perm=128)
        minhash.update_batch([b" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3))])
    return {"numpy_ms": ours, "datasketch_ms": (time.perf_counter() - started) / len(texts) * 1000}


def texts() -> tuple[str, Chain, list[Story], list[Story]]:
    """What the texts are, the chain, the H stories and the F stories."""
    gold = gold_texts()
    usable = [t for t in (gold or {}).values() if len(t.split()) >= 150]
    if usable:
        label = f"aeb-dev gold bodies ({DEV_SET}/ground-truth.json): {len(usable)} of {len(gold)} >= 150 words"
        stories = [real_story(t) for t in usable]
        return label, Chain(usable), stories[0::2], stories[1::2]
    seed = Maker(Chain(synthetic_training_text()), 3)
    fams = [seed.family() for _ in range(80)]
    stories = [seed.story(f) for f in fams]
    label = f"GENERATED texts ({DEV_SET} is not here): a synthetic bigram model; the 'real' texts are generated too"
    return label, seed.chain, stories[0::2], stories[1::2]


def synthetic_training_text(words: int = 65_000, vocabulary: int = 16_000) -> list[str]:
    """A made-up language with Zipf word frequencies and preferred successors, for a chain without real text."""
    rng = np.random.default_rng(11)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai")]
    vocab = [
        "".join(syllables[i] for i in rng.integers(0, len(syllables), rng.integers(1, 4))) for _ in range(vocabulary)
    ]
    vocab = [w.capitalize() if n % 17 == 0 else w for n, w in enumerate(vocab)]
    zipf = 1 / np.arange(1, vocabulary + 1)
    zipf /= zipf.sum()
    following = rng.choice(vocabulary, (vocabulary, 6), p=zipf)
    current, out = 0, []
    for _ in range(words):
        out.append(vocab[current] + ("." if rng.random() < 0.05 else ""))
        current = following[current, rng.integers(6)] if rng.random() < 0.6 else rng.choice(vocabulary, p=zipf)
    return [" ".join(out)]


def report(facts: dict, corpus: dict, result: dict, costs: list[dict], fills: list[dict]) -> None:
    sim, sig = corpus["similarity"], corpus["signature"]
    print(f"machine: {facts['cores']} cores, {facts['cpu']}, Python {facts['python']}, duckdb {facts['duckdb']};"
          f" 1-min load {facts['load_start']:.2f} at start, {facts['load_end']:.2f} at end")  # fmt: skip
    print(f"texts: {corpus['label']}; H {corpus['h']} stored, F {corpus['f']} for negatives")
    print(f"mean 4-shingle Jaccard: unrelated real {sim['real_unrelated']:.4f}, unrelated generated"
          f" {sim['generated_unrelated']:.4f}, generated vs real {sim['generated_real']:.4f}, same family"
          f" {sim['same_family']:.4f}")  # fmt: skip
    datasketch = f"{sig['datasketch_ms']:.3f} ms" if sig["datasketch_ms"] else "not installed"
    print(f"signature (shingles + 128 hashes): numpy {sig['numpy_ms']:.3f} ms, datasketch {datasketch} per article")
    print()
    print(
        f"quality: {result['originals']} originals, then {result['probes']} probes ({result['stories']} stories),"
        f" threshold {result['threshold']}, min cover {result['min_cover']}; loaded in {result['load_s']:.0f} s"
    )
    print(f"{'kind':<24} {'n':>5} {'mean J':>7} {'band':>6} {'verifies':>9} {'outcome':>8}  (vs its source)")
    for kind, row in result["rows"].items():
        n = row.get("n", 0)
        label = "joined" if kind in COPIES else "merged"
        joined = row.get("joined", 0)
        print(
            f"{kind:<24} {n:>5} {row.get('jaccard', 0) / max(n, 1):>7.3f} {row.get('band', 0):>6}"
            f" {row.get('verifies', 0):>9} {joined:>8}  {label}: {joined / max(n, 1):.1%}"
            + (f"; {row['apart']} apart from it, alone or with other copies" if row.get("apart") else "")
        )
    print(f"false merges (stories beyond the first in a cluster): {result['false_merges']}; translations not tested")
    print()
    print(f"cost of clustering a batch of 500 (fingerprint + cluster_new_articles), median of {facts['repeat']}")
    print(f"{'stored':>9} {'ms/art':>7} {'best':>7} {'fprint':>7} {'join':>7} {'read':>7} {'rest':>7} {'before':>7}"
          f" {'cand/p':>7} {'links/p':>8} {'joined':>7} {'fill s':>7}")  # fmt: skip
    for row, filled in zip(costs, fills):
        p = row["ms_parts_of_median_run"]
        rest = row["ms_median"] - sum(p.get(k, 0) for k in ("fingerprint", "join", "read"))
        print(
            f"{row['stored']:>9,} {row['ms_median']:>7.3f} {row['ms_best']:>7.3f} {p['fingerprint']:>7.3f}"
            f" {p.get('join', 0):>7.3f} {p.get('read', 0):>7.3f} {rest:>7.3f} {p.get('read_one_join', 0):>7.3f}"
            f" {row['candidates_per_probe']:>7.1f}"
            f" {row['links_per_probe']:>8.2f} {row['probes_joining_a_stored_cluster']:>7} {filled['seconds']:>7.0f}"
        )
    for filled in fills:
        if filled["reached"] < filled["target"]:
            print(f"fill stopped at {filled['reached']:,} of {filled['target']:,} after {filled['seconds']:.0f} s")
    if len(costs) > 1:
        first, last = costs[0], costs[-1]
        print(f"cost ratio {last['stored']:,} / {first['stored']:,}: {last['ms_median'] / first['ms_median']:.2f}x"
              " (target <= 1.5x)")  # fmt: skip
        before = [row["ms_median"] + row["ms_parts_of_median_run"].get("read_one_join", 0)
                  - row["ms_parts_of_median_run"].get("read", 0) for row in (first, last)]  # fmt: skip
        print(f"with the read as it was before (one join on the id, column 'before'): {before[1] / before[0]:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--families", type=int, default=300, help="generated families in the quality test")
    parser.add_argument("--fill-minutes", type=float, default=20.0, help="stop filling the history after this")
    parser.add_argument("--repeat", type=int, default=5, help="clusterings of the probe batch at each size")
    parser.add_argument("--out", type=Path, default=None, help="write DIR/dedup.json")
    args = parser.parse_args()
    label, chain, real, spare = texts()
    facts = machine() | {"load_start": wait_for_quiet(), "repeat": args.repeat}
    corpus = {"label": label, "h": len(real), "f": len(spare), "similarity": similarity_facts(chain, real + spare),
              "signature": signature_speed(real + spare)}  # fmt: skip
    print(f"texts: {label}", flush=True)
    result = quality(chain, real, spare, args.families)
    print("quality done", flush=True)
    costs, fills = [], []
    sizes = sorted(args.sizes)
    probes = probe_docs(chain, real, spare, min(sizes[0], CHUNK))
    deadline = time.monotonic() + args.fill_minutes * 60
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        db, done = str(Path(tmp) / "history.duckdb"), 0
        for size in sizes:
            started = time.perf_counter()
            done = fill(db, done, size, chain, real, deadline)
            fills.append({"target": size, "reached": done, "seconds": time.perf_counter() - started})
            wait_for_quiet(patience=120)
            costs.append(cost(db, probes, args.repeat))
            print(f"stored {done:,}: {costs[-1]['ms_median']:.3f} ms per article", flush=True)
            if done < size:
                break
    facts["load_end"] = os.getloadavg()[0]
    print()
    report(facts, corpus, result, costs, fills)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        everything = {"machine": facts, "corpus": corpus, "quality": result, "cost": costs, "fill": fills}
        (args.out / "dedup.json").write_text(json.dumps(everything, indent=2))


if __name__ == "__main__":
    main()
