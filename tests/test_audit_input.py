"""Bad input to the claim audit, as tables: each input gets a clear message or a bounded result,
never a traceback; and the batch command `audit --by-provider` streams a CSV report."""

import csv
import io
import json

import pytest

from vetting import cli
from vetting.claims import (
    MAX_AUDIT_CHARS, UnreadableInput, audit, check_pasted, decode, looks_english, report_to_json, report_to_markdown,
)

FIVE_MB = "We guarantee results. " * (5 * 1024 * 1024 // 22 + 1)


@pytest.mark.parametrize("raw, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    ("caf\xe9".encode("latin-1"), "not UTF-8"),
    (FIVE_MB.encode(), "larger than 2 MB"),
])
def test_decode_refuses_with_a_message(raw, message):
    with pytest.raises(UnreadableInput, match=message):
        decode(raw, "page.txt")


@pytest.mark.parametrize("text, message", [(FIVE_MB, "larger than 2 MB"), ("a\x00b", "binary")])
def test_pasted_text_refused_with_a_message(text, message):
    with pytest.raises(UnreadableInput, match=message):
        check_pasted(text)


@pytest.mark.parametrize("text, flags", [
    ("", []),
    ("   \n\t", []),
    ("Nuestra clínica garantiza resultados y una cura permanente para la depresión.", []),
    ("Наша клиника гарантирует результат.", []),
    ("我们保证治愈抑郁症。", []),
    ("<script>alert('We guarantee results')</script><style>.cure{}</style>", []),
    ("\ufeff\u200bWe guarantee results.\u2028", ["guarantee_or_cure"]),
])
def test_odd_text_gives_a_bounded_result(text, flags):
    report = audit(text)
    assert [f.id for f in report.flags] == flags
    json.dumps(report_to_json(report))
    report_to_markdown(report)


def test_a_huge_text_is_audited_up_to_the_limit_and_says_so():
    report = audit(FIVE_MB)
    assert report.truncated and len(report.text) <= MAX_AUDIT_CHARS
    assert report_to_json(report)["truncated"] is True
    assert "Only the start" in report_to_markdown(report)


@pytest.mark.parametrize("text, expected", [
    ("We offer ketamine infusions for depression in a calm room with a nurse at your side.", True),
    ("Ofrecemos infusiones de ketamina para la depresión en una sala tranquila con una enfermera a su lado. "
     "Cada sesión dura unos cuarenta minutos y luego descansa con nosotros.", False),
    ("Wir bieten Ketamin-Infusionen gegen Depressionen in einem ruhigen Raum mit einer Pflegekraft an. "
     "Jede Sitzung dauert etwa vierzig Minuten.", False),
    ("Мы предлагаем инфузии кетамина при депрессии в спокойной комнате с медсестрой. Каждый сеанс длится сорок минут.",
     False),
    ("Almost everyone who finishes our protocol recovers.", True),  # short: not judged
])
def test_looks_english(text, expected):
    assert looks_english(text) is expected


# ---------------------------------------------------------------- audit --by-provider


def run_cli(args):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["audit", *args], out=out, err=err, stdin=io.StringIO(""))
    return code, out.getvalue(), err.getvalue()


def write_records(path, records):
    with open(path, "wb") as handle:
        for record in records:
            handle.write(record if isinstance(record, bytes) else (json.dumps(record) + "\n").encode())


def test_by_provider_writes_one_row_per_finding_with_sentence_and_url(tmp_path):
    source = tmp_path / "pages.jsonl"
    write_records(source, [
        {"provider_id": "a", "url": "https://a.example/faq", "text": "Welcome. We guarantee results. Only 2 spots left!"},
        {"provider_id": "b", "url": "https://b.example/", "text": "We discuss risks and side effects openly."},
    ])
    code, out, err = run_cli(["--by-provider", str(source)])
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and "2 page(s), 2 finding(s)" in err
    assert [(r["provider_id"], r["flag"]) for r in rows] == [("a", "guarantee_or_cure"), ("a", "pressure_tactics"), ("b", "")]
    assert rows[0]["sentence"] == "We «guarantee results»." and rows[0]["url"] == "https://a.example/faq"
    assert rows[0]["criterion_id"] and rows[0]["source_id"]


@pytest.mark.parametrize("bad, message", [
    (b"not json\n", "line 1: not a JSON object"),
    (b"[1, 2]\n", "line 1: not a JSON object"),
    (b'{"provider_id": "a", "url": "https://a.example"}\n', "line 1: needs text"),
    (b'{"provider_id": "", "url": "https://a.example", "text": "x"}\n', "line 1: needs provider_id"),
    (b'{"provider_id": "a", "url": "https://a.example", "text": "   "}\n', "line 1: text is empty"),
    (b'{"provider_id": "a", "url": "https://a.example", "text": "caf\xe9"}\n', "line 1: is not UTF-8"),
    (b'{"provider_id": "a", "url": "u", "text": "' + b"a" * (3 * 1024 * 1024) + b'"}\n', "line 1: longer than 2 MB"),
])
def test_by_provider_skips_bad_records_with_a_message(tmp_path, bad, message):
    source = tmp_path / "pages.jsonl"
    write_records(source, [bad, {"provider_id": "good", "url": "https://g.example", "text": "We guarantee results."}])
    code, out, err = run_cli(["--by-provider", str(source)])
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 2 and message in err
    assert [r["provider_id"] for r in rows] == ["good"]


def test_by_provider_writes_the_report_file_and_quotes_formula_cells(tmp_path):
    source, report = tmp_path / "pages.jsonl", tmp_path / "report.csv"
    write_records(source, [{"provider_id": "=cmd", "url": "https://a.example", "text": "We guarantee results."}])
    code, out, err = run_cli(["--by-provider", str(source), "--out", str(report)])
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert code == 0 and out == "" and str(report) in err
    assert rows[0]["provider_id"] == "'=cmd"


@pytest.mark.parametrize("args, message", [
    (["--by-provider", "/no/such/file.jsonl"], "no such file"),
    (["--by-provider", "x.jsonl", "page.txt"], "not both"),
    ([], "name at least one FILE"),
])
def test_by_provider_usage_errors(args, message):
    code, _, err = run_cli(args)
    assert code == 2 and message in err


def test_progress_bar_only_on_a_terminal():
    from vetting.claims_cli import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    quiet, loud = io.StringIO(), Terminal()
    for stream in (quiet, loud):
        bar = Progress(stream, total=100, every=0)
        bar.update(50, 3)
        bar.close(100, 6)
    assert quiet.getvalue() == "" and "50%" in loud.getvalue() and "100%" in loud.getvalue()
