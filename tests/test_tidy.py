import lxml.html
import pytest

from tasks.extraction.tidy import PageFeatures, read_page_features, space_link_edges, tidy_extracted

FEATURES = PageFeatures(
    titles=["orchard growers try robots to pick apples"],
    descriptions=["growers in the valley are testing picking robots"],
    link_texts={"cider makers expect a record year after the warm summer"},
)
BODY = ["Apple growers in the valley are testing picking robots this harvest.", "The machines use cameras."]


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        (["Orchard growers try robots to pick apples", *BODY], BODY),  # the headline again
        (["By Marta Velasquez", "14 September 2025 07:45", "5 min read", *BODY], BODY),  # bylines and datelines
        (["Growers in the valley are testing picking robots", *BODY], BODY),  # standfirst = meta description
        ([BODY[0], "Related: Frost damage less than feared", BODY[1]], BODY),  # cross-link
        ([*BODY, "Sign up for our newsletter", "Privacy policy"], BODY),  # tail boilerplate
        ([*BODY, "Filed under: Farming, Robots"], BODY),
        ([BODY[0], "Cider makers expect a record year after the warm summer", BODY[1]], BODY),  # a link's text
        (["By the end of the season, most farms will have tried them.", *BODY],
         ["By the end of the season, most farms will have tried them.", *BODY]),  # a sentence, not a byline
        (["Related stories of bravery were told by workers at the farm for hours.", *BODY],
         ["Related stories of bravery were told by workers at the farm for hours.", *BODY]),
        (["Follow-up inspections are planned.", *BODY, "The orchard opened in 1990."],
         ["Follow-up inspections are planned.", *BODY, "The orchard opened in 1990."]),
    ],
)  # fmt: skip
def test_tidy_extracted(lines, kept):
    assert tidy_extracted("\n".join(lines), FEATURES).split("\n") == kept


def test_page_features_and_link_edges():
    tree = lxml.html.fromstring(
        "<html><head><title>A title here | Site</title><meta name='description' content='The dek.'></head>"
        "<body><h1>A title here</h1><p>Read<a href='/x'>this</a>now and <a href='/y'>five words make a link</a>"
        " ok</p></body></html>"
    )
    features = read_page_features(tree)
    assert "a title here" in features.titles and features.descriptions == ["the dek"]
    assert features.link_texts == {"five words make a link"}
    space_link_edges(tree)
    assert "Read this now" in tree.text_content()


# Real article text that looks like each rule's boilerplate; it must stay wherever it stands in the article.
LOOKALIKES = {
    "title_line": ["Orchard growers try robots to pick apples, and the first results surprised them all."],
    "leading_byline": ["By the end of the season, most farms will have tried them.",
                       "Published research shows the robots pick a fifth faster than people do."],
    "standfirst": ["Growers in the valley are testing picking robots."],
    "cross_link": ["Related costs rose four percent in the quarter, the co-operative said.",
                   "Watch the skies tonight, astronomers say: the meteor shower peaks after midnight.",
                   "Recommended reading lists were sent to every school in the district."],
    "tail": ["Follow-up inspections are planned for next spring.",
             "Related stories of bravery were told by workers at the farm for hours.",
             "Copyright lawyers say the ruling will be appealed within weeks.",
             "Source: the ministry said the figures were preliminary and could change.",
             "Don't miss the harvest festival on Saturday, the organisers urged.",
             "More from the farm will follow next week, when the second crop comes in.",
             "Read more slowly, the teacher told the class, and the words will stay with you.",
             "Share this view and you will be in the minority, the survey suggests."],
    "link_text": ["Cider makers expect a record year after the warm summer, and the orchards agree."],
}  # fmt: skip
ARTICLE = [
    "Apple growers in the valley are testing picking robots this harvest, the first time machines have been used.",
    "The machines use cameras to find ripe fruit and suction grippers to pull it from the branch without bruising.",
    "Each robot costs about as much as a tractor, and the growers share three of them between twelve farms.",
    "Pickers who worked the orchards for decades watched the trials with a mixture of curiosity and worry.",
    "The co-operative will decide in January whether to buy more of them for the next season.",
]


@pytest.mark.parametrize(
    ("rule", "line", "position"),
    [(rule, line, position) for rule, lines in LOOKALIKES.items() for line in lines for position in range(6)],
)
def test_article_text_that_looks_like_boilerplate_stays_in_every_position(rule, line, position):
    lines = [*ARTICLE[:position], line, *ARTICLE[position:]]
    assert tidy_extracted("\n".join(lines), FEATURES, rules=(rule,)).split("\n") == lines
    assert tidy_extracted("\n".join(lines), FEATURES).split("\n") == lines  # and under every rule at once


@pytest.mark.parametrize(
    "tail",
    [
        ["Sign up for our newsletter", "Privacy policy"],
        ["Follow Newsbeat on Instagram, Facebook and Twitter."],
        ["Copyright 2025 Valley Farm News. All rights reserved."],
        ["Related stories", "Frost damage less than feared", "Cider makers plan a festival"],
        ["Follow the paper's full coverage of the harvest at https://valleyfarm.example/harvest"],
    ],
)
def test_end_of_article_boilerplate_goes_with_the_short_lines_after_it(tail):
    assert tidy_extracted("\n".join(ARTICLE + tail), FEATURES).split("\n") == ARTICLE


def test_a_tail_label_before_more_article_text_takes_only_itself():
    lines = [*ARTICLE[:2], "Read more", *ARTICLE[2:]]
    assert tidy_extracted("\n".join(lines), FEATURES).split("\n") == ARTICLE


def test_a_caption_set_in_an_h1_is_no_title_and_stays():
    caption = ("In this photo taken on Tuesday the rocket stands on its launch pad at dawn, hours before the launch, "
               "as engineers in orange suits check the fuel lines one last time and a crowd of schoolchildren "
               "watches from behind the fence of the viewing area")  # fmt: skip
    tree = lxml.html.fromstring(
        f"<html><head><title>Cargo ship breaks up after launch</title></head><body>"
        f"<h1>Cargo ship breaks up after launch</h1><h1>{caption}</h1><p>{ARTICLE[0]}</p></body></html>"
    )
    features = read_page_features(tree)
    assert features.titles == ["cargo ship breaks up after launch"] * 2
    lines = ["Cargo ship breaks up after launch", caption, *ARTICLE]
    assert tidy_extracted("\n".join(lines), features).split("\n") == [caption, *ARTICLE]
