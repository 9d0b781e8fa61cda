"""The topic tagger: one table-driven case per IPTC top-level topic, negatives, explanations, user topics."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tasks.models import Article
from tasks.tagging.embed import prototypes_for
from tasks.tagging.head import load_head
from tasks.tagging.tag import DEFAULT_TAXONOMY, SHIPPED_HEAD, build_tagger, inflections, score_text, tag_articles

TOP_LEVEL = {
    "medtop:01000000": (
        "Director's new film opens the festival",
        "The actress, who won an Oscar for her last role, said the movie was shot in six weeks. Critics at the "
        "premiere praised the soundtrack, and the studio expects a strong opening weekend at the box office.",
    ),
    "medtop:02000000": (
        "Man jailed for eight years over bank fraud",
        "A judge at the crown court sentenced him after a jury found him guilty of fraud and money laundering. "
        "Prosecutors said police had traced the stolen funds through a network of shell accounts.",
    ),
    "medtop:03000000": (
        "Earthquake kills dozens as buildings collapse",
        "Rescue workers searched the rubble through the night after the magnitude 6.8 earthquake. The death toll "
        "rose to 43, with hundreds injured, and thousands of survivors spent the night in emergency shelters.",
    ),
    "medtop:04000000": (
        "Shares rise as profits beat forecasts",
        "The company reported quarterly revenue of $4.2bn and raised its dividend. Investors welcomed the "
        "results, and analysts said lower interest rates and cooling inflation should help sales next year.",
    ),
    "medtop:05000000": (
        "Schools face teacher shortage as pupils return",
        "Head teachers warned that thousands of classrooms have no permanent teacher this term. Universities "
        "also reported falling applications, and the education secretary promised a review of the curriculum.",
    ),
    "medtop:06000000": (
        "Rising emissions threaten climate goals",
        "Greenhouse gas emissions hit a record last year, scientists said, putting the Paris Agreement target "
        "out of reach. Conservation groups warned that deforestation and pollution are speeding biodiversity loss.",
    ),
    "medtop:07000000": (
        "Hospitals prepare for winter flu surge",
        "Doctors urged older patients to get the vaccine as flu infections rose for a third week. The health "
        "service said hospital beds were filling up and waiting times for cancer treatment had grown.",
    ),
    "medtop:08000000": (
        "Woman celebrates 105th birthday with her great-grandchildren",
        "The centenarian, who still bakes every morning, was reunited with a childhood friend at the party. "
        "Neighbours said her kindness had made her a local hero.",
    ),
    "medtop:09000000": (
        "Rail workers walk out in pay dispute",
        "The trade union called the strike after talks with employers over wages and pensions broke down. "
        "Union leaders said members had rejected an offer below inflation and would walk out again next month.",
    ),
    "medtop:10000000": (
        "The best summer holiday destinations for food lovers",
        "From street food in Bangkok to wine tasting in the hills, travel writers picked resorts and hotels "
        "where the cuisine is the main attraction. Each comes with a recipe to try at home.",
    ),
    "medtop:11000000": (
        "Prime minister calls snap election",
        "The prime minister asked parliament to dissolve after the governing coalition lost a confidence vote. "
        "Opposition parties said the campaign would focus on taxes, and voters go to the polls in six weeks.",
    ),
    "medtop:12000000": (
        "Pope calls for peace in Easter address",
        "Speaking to pilgrims in St Peter's Square, the pope led prayers for the faithful. Church leaders, "
        "imams and rabbis joined an interfaith service at the cathedral later in the day.",
    ),
    "medtop:13000000": (
        "Scientists unveil faster quantum computer chip",
        "Researchers said the processor solved the problem in minutes, a task that would take a conventional "
        "computer years. The software and the algorithm behind it will be published for other laboratories.",
    ),
    "medtop:14000000": (
        "Charities warn of rising homelessness among families",
        "Campaigners said poverty and inequality had pushed more children into temporary housing. Welfare "
        "groups and human rights lawyers called for action on discrimination against migrants and refugees.",
    ),
    "medtop:15000000": (
        "United win the derby with a late goal",
        "The striker scored in the 89th minute to give his team a 2-1 victory in front of a packed stadium. "
        "The manager praised the squad, who move three points clear at the top of the league.",
    ),
    "medtop:16000000": (
        "Ceasefire collapses as shelling resumes",
        "Troops exchanged artillery fire along the front line overnight and military officials reported "
        "airstrikes on two towns. Both armies accused the other of breaking the truce agreed in peace talks.",
    ),
    "medtop:17000000": (
        "Heatwave to bring record temperatures this weekend",
        "Forecasters issued a weather warning as temperatures are expected to reach 38 degrees Celsius. "
        "Thunderstorms and heavy rainfall could follow on Monday, the Met Office said.",
    ),
}


@pytest.fixture(scope="module")
def tagger():
    return build_tagger([DEFAULT_TAXONOMY])


def test_taxonomy_has_all_seventeen_top_level_topics_with_second_levels():
    data = tomllib.loads(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))
    codes = {t["code"]: t for t in data["topic"]}
    top = {c for c, t in codes.items() if not t.get("parent")}
    assert top == {f"medtop:{n:02d}000000" for n in range(1, 18)}
    children = [t for t in codes.values() if t.get("parent")]
    assert len(children) >= 30
    assert all(t["parent"] in codes for t in children)
    assert all(t["code"].startswith("medtop:") and len(t["code"]) == 15 for t in codes.values())


@pytest.mark.parametrize("code", sorted(TOP_LEVEL))
def test_each_top_level_topic_wins_its_own_story(tagger, code):
    title, body = TOP_LEVEL[code]
    ranked = top_level(tagger, score_text(tagger, title, body))
    assert ranked[0].topic == code, [(t.topic, t.score, t.terms) for t in ranked]
    assert 0 < ranked[0].score <= 1 and ranked[0].terms


def test_sports_metaphors_in_a_business_story_do_not_make_it_sport(tagger):
    title = "Retailer's profits score a knockout as shares hit record"
    body = (
        "The chain's chief executive said the company had moved the goalposts for rivals after a bumper "
        "Christmas quarter. Revenue jumped 12% and profit beat analysts' forecasts; investors sent the shares "
        "up 9% on the stock market. 'We are in a marathon, not a sprint,' she said, adding that the firm "
        "would raise its dividend and open 40 new stores next year."
    )
    scores = {t.topic: t.score for t in score_text(tagger, title, body)}
    assert max(scores, key=scores.get) == "medtop:04000000"
    assert scores.get("medtop:15000000", 0) < scores["medtop:04000000"] / 2


def test_a_business_story_about_a_football_club_keeps_both_topics_ranked_sensibly(tagger):
    title = "Football club posts record revenue as broadcast deals grow"
    body = (
        "The Premier League club reported revenue of £600m and a profit for the first time in five years, "
        "helped by television rights and sponsorship. Its shares rose on the stock exchange."
    )
    scores = {t.topic: t.score for t in score_text(tagger, title, body)}
    assert "medtop:04000000" in scores and "medtop:15000000" in scores


def test_second_level_topics_fire_with_their_parent(tagger):
    topics = {t.topic for t in score_text(tagger, *TOP_LEVEL["medtop:11000000"])}
    assert "medtop:11000000" in topics
    children = {c for c in topics if tagger.topics[c].parent == "medtop:11000000"}
    assert children, topics
    football = {t.topic for t in score_text(tagger, *TOP_LEVEL["medtop:15000000"])}
    assert any(tagger.topics[c].parent for c in football)


def top_level(tagger, topics):
    return [t for t in topics if not tagger.topics[t.topic].parent]


def test_title_weighs_more_than_the_tail(tagger):
    filler = " ".join(["The report was published on Tuesday."] * 40)
    lead = "The film opened."
    in_title = top_level(tagger, score_text(tagger, "Election results", f"{lead} {filler}"))
    in_tail = top_level(tagger, score_text(tagger, "Results", f"{lead} {filler} The election was held."))
    assert in_title[0].topic == "medtop:11000000"
    assert in_tail[0].topic == "medtop:01000000"


def test_plurals_and_multi_word_names(tagger):
    assert "elections" in inflections("election") and "companies" in inflections("company")
    scores = {t.topic: t for t in score_text(tagger, "", "Voters went to the polls in the elections.")}
    assert "medtop:11000000" in scores and "election" in scores["medtop:11000000"].terms
    scores = {t.topic: t for t in score_text(tagger, "", "The Champions League draw was made today.")}
    assert "Champions League" in scores["medtop:15000000"].terms


def test_acronyms_keep_their_case(tagger):
    assert not score_text(tagger, "", "who said it was fine, and then it was not.")
    assert score_text(tagger, "", "The WHO said the pandemic was not over.")[0].topic == "medtop:07000000"


def test_nothing_fires_on_text_without_terms(tagger):
    assert score_text(tagger, "", "Lorem ipsum dolor sit amet.") == []


def test_scores_are_in_unit_interval_and_explained(tagger):
    for title, body in TOP_LEVEL.values():
        for topic in score_text(tagger, title, body):
            assert 0 < topic.score <= 1
            assert topic.terms and all(isinstance(term, str) for term in topic.terms)


def test_user_topics_with_their_own_prefix_are_added_from_a_toml_file(tmp_path):
    extra = tmp_path / "mine.toml"
    extra.write_text(
        'version = "acme-1"\n[[topic]]\ncode = "acme:crypto"\nlabel = "crypto assets"\n'
        'parent = "medtop:04000000"\nstrong = ["stablecoin", "DeFi"]\n'
    )
    tagger = build_tagger([DEFAULT_TAXONOMY, extra])
    assert tagger.version.endswith("+acme-1")
    topics = {t.topic for t in score_text(tagger, "Stablecoin issuer grows", "DeFi lenders use the stablecoin.")}
    assert {"acme:crypto", "medtop:04000000"} <= topics


def test_tag_articles_records_the_version(tagger):
    article = Article(source_uri="x", title=TOP_LEVEL["medtop:15000000"][0], body=TOP_LEVEL["medtop:15000000"][1])
    tag_articles([article], tagger)
    assert article.tagger_version == tagger.version and article.topics[0].topic == "medtop:15000000"
    assert tagger.version.startswith(f"{load_head(SHIPPED_HEAD).tag}+cal-")  # the shipped head and its calibration
    assert "/newsflow-iptc-" in tagger.version


def test_the_shipped_head_is_the_model_and_a_taxonomy_of_ones_own_keeps_it(tmp_path):
    shipped = build_tagger([DEFAULT_TAXONOMY])
    assert shipped.head is not None and shipped.head.tag == load_head(SHIPPED_HEAD).tag
    assert len(shipped.head.codes) == 17 and shipped.head.everywhere
    extra = tmp_path / "mine.toml"
    extra.write_text('version = "acme-1"\n[[topic]]\ncode = "acme:pets"\nlabel = "pets"\nstrong = ["puppy"]\n')
    own = build_tagger([DEFAULT_TAXONOMY, extra])  # a top-level topic the head does not know: scored by its terms
    assert own.head is not None and own.version == f"{shipped.version}+acme-1"
    assert "acme:pets" not in own.head.codes
    article = Article(source_uri="x", title="Puppy born at the zoo", body="A puppy was born.")
    tag_articles([article], own)
    assert "acme:pets" in {t.topic for t in article.topics}
    assert build_tagger([DEFAULT_TAXONOMY], model="").head is None  # no model asked for: the prototypes
    assert "medtop:15000000" in prototypes_for(build_tagger([DEFAULT_TAXONOMY], model="")).codes


def test_context_terms_need_other_evidence_for_their_topic(tagger):
    business = {t.topic for t in score_text(tagger, "Firm wins contract", "The firm beat rivals to win the deal.")}
    assert "medtop:15000000" not in business
    sport = {t.topic for t in score_text(tagger, "Striker wins it", "The striker beat two defenders to win it.")}
    assert "medtop:15000000" in sport


def test_third_level_topics_roll_up_to_their_top_level(tagger):
    topics = {t.topic for t in score_text(tagger, *TOP_LEVEL["medtop:15000000"])}
    assert {"medtop:20001065", "medtop:15000000"} <= topics  # football, under competition discipline, under sport
    assert "medtop:20000822" not in topics  # a grouping topic without terms of its own is not scored


@pytest.mark.parametrize(
    ("headline", "topic"),
    [
        ("Debut novel about a lighthouse keeper wins fiction prize", "medtop:01000000"),  # not sport
        ("Streaming service cancels fantasy series after two seasons", "medtop:01000000"),  # no lexicon term: the model
    ],
)
def test_short_texts_get_the_topic_a_reader_would_give(headline, topic):
    article = Article(source_uri="feed#1", title=headline, body=headline)
    tag_articles([article])
    assert article.topics[0].topic == topic


def test_a_model_topic_says_why_and_the_tagging_needs_no_network():
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network disabled in this test')\n"
        "class Refused(socket.socket):\n    connect = connect_ex = refuse\n"
        "socket.socket = Refused; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from tasks.models import Article\nfrom tasks.tagging.tag import tag_articles\n"
        "a = Article(source_uri='x', title='Streaming service cancels fantasy series after two seasons',"
        " body='Streaming service cancels fantasy series after two seasons')\n"
        "tag_articles([a]); t = a.topics[0]; print(t.topic, t.terms[0], len(t.terms) > 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).parent.parent)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["medtop:01000000", f"model:{load_head(SHIPPED_HEAD).tag}", "True"]


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Debut novel about a lighthouse keeper wins fiction prize", "medtop:01000000"),
        ("Jordan Miles scores 31 as Georgia Tech beat Duke", "medtop:15000000"),
        ("Chipmaker shares weather the storm", "medtop:04000000"),
        ("Minister accused of moving the goalposts on housing targets", "medtop:11000000"),
        # the literal senses stay theirs
        ("Storm brings gusts and heavy rain, forecasters warn", "medtop:17000000"),
        ("Defender scores an own goal as City lose the derby", "medtop:15000000"),
        ("Pupils' test scores rise for a third year", "medtop:05000000"),
    ],
)
def test_a_newcomers_headlines_get_sensible_topics(tagger, headline, expected):
    article = Article(source_uri="x", title=headline, body=headline)
    tag_articles([article], tagger)
    assert article.topics[0].topic == expected, [(t.label, t.score) for t in article.topics]


@pytest.mark.parametrize("position", ["title", "lead", "tail"])
def test_a_figure_of_speech_is_blanked_wherever_it_stands(tagger, position):
    figure = "The company weathered the storm."
    filler = " ".join(["Its shares rose after the quarterly results and investors cheered the profit."] * 8)
    title, body = ("Results", f"{filler} {figure}") if position == "tail" else ("Results", f"{figure} {filler}")
    if position == "title":
        title = figure
    topics = {t.topic for t in score_text(tagger, title, body)}
    assert "medtop:17000000" not in topics and "medtop:04000000" in topics


@pytest.mark.parametrize(
    "text",
    [
        "Markets took Westminster by storm, then weathered the storm; a storm in a teacup, said the minister.",
        "İstanbul traders weather the storm as the lira falls",  # lower case is longer: the whole-text pass
        "A STORM OF PROTEST and a whirlwind tour: moving the goalposts on a level playing field",
        "Brainstorming at the club: no storm is forecast for the football final",
    ],
)
def test_figures_are_blanked_around_their_cue_words_as_by_a_pass_over_the_whole_text(text):
    from tasks.tagging.figurative import FIGURATIVE, blank_figures

    padded = f"{'Rain fell on the city and the river rose. ' * 30}{text}"
    for sample in (text, padded):
        assert blank_figures(sample) == FIGURATIVE.sub(lambda m: " " * len(m.group()), sample)
    assert blank_figures(text) != text


def test_explanations_are_the_same_from_the_word_cache():
    import tasks.tagging.embed as embed

    text = "Chipmakers rally as the central bank holds rates"
    embed._word_vectors.clear()
    centroid = embed.unit_rows(embed.load_model().embed(["economy"], norm=True))[0]
    cold = embed.explain(text, centroid)
    assert set(embed._word_vectors) >= {"chipmakers", "rally", "bank"}
    assert embed.explain(text, centroid) == cold
