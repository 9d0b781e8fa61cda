"""JSON Lines and JSON article files: `url`, `title`, `body` or `html`, `published_at`, `authors`, `source`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from tasks.cleaning.dates import parse_datetime
from tasks.cleaning.language import normalise_language
from tasks.extraction.extract_page import extract_page
from tasks.extraction.html_text import html_to_text
from tasks.models import Article, Batch, Skip
from tasks.reading.authors import split_authors
from tasks.reading.decode import UnreadableInput
from tasks.reading.read_text import derive_title

FULL_PAGE = re.compile(r"<(?:html|body|head)\b", re.IGNORECASE)
LIST_KEYS = ("articles", "items", "data", "results", "entries")


def parse_json_articles(text: str, source_uri: str, lines: bool, first_line: int = 1) -> Batch:
    """Every object in a .jsonl (one per line) or .json (an object, a list, or {"articles": [...]}) file.

    `first_line` numbers the lines of a part of a JSON Lines file as in the whole file.
    """
    batch = Batch()
    for label, record in iterate_records(text, lines, source_uri, batch, first_line):
        uri = f"{source_uri}#{label}"
        try:
            article = record_to_article(record, source_uri)
        except UnreadableInput as error:
            batch.skips.append(Skip(uri, str(error)))
            continue
        article.location = uri
        batch.articles.append(article)
    if not batch.articles and not batch.skips and first_line == 1:
        batch.skips.append(Skip(source_uri, "no JSON objects in the file"))
    return batch


TOO_DEEP = "invalid JSON: nested too deeply"


def iterate_records(
    text: str, lines: bool, source_uri: str, batch: Batch, first_line: int = 1
) -> Iterator[tuple[str, object]]:
    if lines:
        for number, line in enumerate(text.split("\n"), start=first_line):
            if not line.strip():
                continue
            try:
                yield f"line{number}", json.loads(line)
            except ValueError as error:
                batch.skips.append(Skip(f"{source_uri}#line{number}", f"invalid JSON: {error}"))
            except RecursionError:
                batch.skips.append(Skip(f"{source_uri}#line{number}", TOO_DEEP))
        return
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UnreadableInput(f"invalid JSON: {error}") from error
    except RecursionError:
        raise UnreadableInput(TOO_DEEP) from None
    if isinstance(data, dict):
        inner = next((data[k] for k in LIST_KEYS if isinstance(data.get(k), list)), None)
        data = inner if inner is not None else [data]
    if not isinstance(data, list):
        raise UnreadableInput("JSON holds neither an article object nor a list of them")
    for index, item in enumerate(data):
        yield f"item{index}", item


def record_to_article(record: object, source_uri: str) -> Article:
    """One JSON object to an article; `html` is extracted like a page, `body` taken as plain text."""
    if not isinstance(record, dict):
        raise UnreadableInput("not a JSON object")
    body, html = text_field(record, "body", "text", "content"), text_field(record, "html")
    url = text_field(record, "url", "link")
    if html and not body:
        if FULL_PAGE.search(html[:2000]):
            article = extract_page(html, source_uri, url=url)
            article.input_format = "json"
            overlay_fields(article, record)
            return article
        body = html_to_text(html)
    if not body:
        raise UnreadableInput("no body or html")
    article = Article(source_uri=source_uri, body=body, url=url, input_format="json", extractor="json")
    overlay_fields(article, record)
    article.title = article.title or derive_title(body)
    return article


def overlay_fields(article: Article, record: dict) -> None:
    """Fields the record states win over what extraction found."""
    if title := text_field(record, "title", "headline"):
        article.title = title
    published = parse_datetime(text_field(record, "published_at", "published", "date", "datePublished"))
    if published:
        article.published_at, article.date_explicit, article.date_source = published, True, "record"
    if authors := parse_authors(record.get("authors", record.get("author"))):
        article.authors = authors
    if source := text_field(record, "source", "publisher", "site_name"):
        article.source = source
    if language := text_field(record, "language", "lang"):
        article.language = normalise_language(language)
    if url := text_field(record, "url", "link"):
        article.url = url
    categories = record.get("categories", record.get("tags"))
    if isinstance(categories, list):
        article.categories = [str(c) for c in categories if isinstance(c, (str, int))][:20]


def text_field(record: dict, *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def parse_authors(value: object) -> list[str]:
    """A byline string, a list of names, or a list of {"name": ...} objects."""
    if isinstance(value, str):
        return split_authors(value)
    if not isinstance(value, list):
        return []
    names = [item.get("name") if isinstance(item, dict) else item for item in value]
    return split_authors([name for name in names if isinstance(name, str)])
