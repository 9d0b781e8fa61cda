from datetime import UTC, datetime

from tasks.read_files import read_file


def test_jsonl_records_fields_and_counted_bad_lines(fixtures):
    path = str(fixtures / "json" / "articles.jsonl")
    batch = read_file(path)
    by_title = {a.title: a for a in batch.articles}
    ferry = by_title["Ferry fares frozen for a second year"]
    assert ferry.url.startswith("https://HarbourNews.example/city/ferry-fares?utm_source")
    assert ferry.published_at == datetime(2025, 2, 3, 10, tzinfo=UTC) and ferry.date_explicit
    assert ferry.authors == ["Ola Berg"] and ferry.source == "Harbour News"
    assert ferry.input_format == "json"
    library = by_title["Library extends opening hours"]
    assert (
        library.body == "The central library will open until 10pm on weekdays from March, the council said.\n\n"
        "Extra staff will be paid from the culture budget."
    )
    assert library.authors == ["Ines Moreau", "Li Wei"]
    archive = by_title["From the archive: the great flood"]
    assert archive.published_at == datetime(1953, 2, 1, tzinfo=UTC) and archive.date_explicit
    reasons = sorted((s.source_uri.rsplit("#", 1)[1], s.reason.split(":")[0]) for s in batch.skips)
    assert reasons == [("line3", "invalid JSON"), ("line4", "no body or html")]


def test_json_list_with_author_objects(fixtures):
    batch = read_file(str(fixtures / "json" / "list.json"))
    assert [a.authors for a in batch.articles] == [["Pia Koller"], ["Pia Koller"]]
    assert batch.articles[0].published_at == datetime(2025, 11, 22, 7, tzinfo=UTC)


def test_broken_json_file_is_one_skip(fixtures):
    batch = read_file(str(fixtures / "bad" / "broken.json"))
    assert batch.articles == [] and len(batch.skips) == 1
    assert batch.skips[0].reason.startswith("invalid JSON")
