"""Full-text search of proposals in the process's language (English or Swedish).

PostgreSQL stems with its own `english` / `swedish` configurations into a stored, generated tsvector
column with a GIN index (created by the migration). SQLite has no Swedish stemmer, so its FTS5 table
holds the text already stemmed by Snowball (the same algorithms PostgreSQL uses), written by
`index_proposal`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

import snowballstemmer
from sqlalchemy import DDL, Select, bindparam, column, event, func, literal_column, select, table, text
from sqlalchemy.sql.elements import ColumnElement

from participate.extensions import db
from participate.proposals.models import Proposal

FTS_TABLE = "proposal_fts"
# A process's language, by the name both PostgreSQL's text search and Snowball give its stemmer.
STEMMERS = {"en": "english", "sv": "swedish"}
WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
# Words too common to say anything about a proposal (PostgreSQL drops its own list of them).
STOPWORDS = {
    "en": frozenset(
        [
            "a",
            "an",
            "and",
            "at",
            "be",
            "by",
            "for",
            "from",
            "in",
            "into",
            "is",
            "it",
            "more",
            "of",
            "on",
            "or",
            "our",
            "the",
            "to",
            "we",
            "with",
        ]
    ),
    "sv": frozenset(
        [
            "att",
            "av",
            "de",
            "den",
            "det",
            "en",
            "ett",
            "för",
            "från",
            "i",
            "med",
            "mer",
            "och",
            "om",
            "på",
            "som",
            "till",
            "vi",
            "är",
        ]
    ),
}


SEARCH_VECTOR = "search_vector"


def is_outside_the_models(name: str | None) -> bool:
    """Database objects the search adds beside the models (ignored when comparing schemas)."""
    return name is not None and name.startswith((FTS_TABLE, "ix_proposal_search_", SEARCH_VECTOR))


SQLITE_FTS_DDL = f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(body, tokenize='unicode61')"


# PostgreSQL keeps each proposal's stemmed words in a stored, generated column (ranking reads it instead
# of stemming every matching row again) with a GIN index. The column lives beside the model: the
# migration creates it, and the ORM never writes it.
PG_SEARCH_VECTOR_DDL = (
    f"ALTER TABLE proposal ADD COLUMN IF NOT EXISTS {SEARCH_VECTOR} tsvector GENERATED ALWAYS AS ("
    "to_tsvector(CASE language WHEN 'sv' THEN 'swedish'::regconfig ELSE 'english'::regconfig END, "
    "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(description, ''))) STORED"
)
PG_SEARCH_INDEX_DDL = (
    f"CREATE INDEX IF NOT EXISTS ix_proposal_search_vector ON proposal USING gin ({SEARCH_VECTOR})"
)


event.listen(Proposal.__table__, "after_create", DDL(SQLITE_FTS_DDL).execute_if(dialect="sqlite"))
for _ddl in (PG_SEARCH_VECTOR_DDL, PG_SEARCH_INDEX_DDL):
    event.listen(Proposal.__table__, "after_create", DDL(_ddl).execute_if(dialect="postgresql"))


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(STEMMERS.get(language, "english"))


def stems(text_: str, language: str) -> list[str]:
    return _stemmer(language).stemWords(WORD.findall(text_.casefold()))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def index_proposal(proposal: Proposal) -> None:
    """Keep SQLite's stemmed copy in step; PostgreSQL indexes the row itself."""
    if _dialect() != "sqlite":
        return
    body = " ".join(stems(f"{proposal.title} {proposal.summary} {proposal.description}", proposal.language))
    db.session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": proposal.id})
    db.session.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (:id, :body)"), {"id": proposal.id, "body": body}
    )


Match = Callable[[Select[Any]], tuple[Select[Any], ColumnElement[Any]]]


def matching(query: str, language: str, *, any_word: bool = False) -> Match | None:
    """How to narrow a query on Proposal to the matches, with a relevance score (higher is better).

    None when the query has no words. A search needs every word; `any_word` (similar titles) needs
    one, best matches first."""
    words = [w for w in WORD.findall(query.casefold()) if w not in STOPWORDS.get(language, ())]
    words = [w for w in words if len(w) > 2 or not any_word][:MAX_QUERY_WORDS]
    if not words:
        return None
    if _dialect() == "postgresql":
        return _postgresql_match(words, language, any_word)
    return _sqlite_match(words, language, any_word)


def _postgresql_match(words: list[str], language: str, any_word: bool) -> Match:
    config = STEMMERS.get(language, "english")
    document: ColumnElement[Any] = literal_column(f"proposal.{SEARCH_VECTOR}")
    regconfig: ColumnElement[Any] = literal_column(f"'{config}'::regconfig")
    # Words are \w+ only, so joining them with | makes a safe tsquery.
    tsquery = (
        func.to_tsquery(regconfig, " | ".join(words))
        if any_word
        else func.plainto_tsquery(regconfig, " ".join(words))
    )

    def apply(stmt: Select[Any]) -> tuple[Select[Any], ColumnElement[Any]]:
        narrowed = stmt.where(Proposal.language == language, document.op("@@")(tsquery))
        return narrowed, func.ts_rank(document, tsquery)

    return apply


def _sqlite_match(words: list[str], language: str, any_word: bool) -> Match:
    # Stemmed words as prefixes: "parken" and "parks" both find "park".
    joiner = " OR " if any_word else " "
    fts_query = joiner.join(f'"{stem}"*' for stem in stems(" ".join(words), language))
    fts = table(FTS_TABLE, column("rowid"))
    match = literal_column(FTS_TABLE).op("MATCH")(bindparam("fts_query", fts_query))
    # The search runs once, materialised, and proposals join its hits: left to itself SQLite's planner
    # scans the proposals and repeats the full-text search for each of them.
    hits = (
        select(fts.c.rowid.label("id"), (-func.bm25(literal_column(FTS_TABLE))).label("rank"))
        .where(match)
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )

    def apply(stmt: Select[Any]) -> tuple[Select[Any], ColumnElement[Any]]:
        return stmt.join(hits, hits.c.id == Proposal.id), hits.c.rank

    return apply
