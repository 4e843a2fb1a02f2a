"""Full-text search of proposals in the process's language (English or Swedish).

PostgreSQL stems with its own `english` / `swedish` configurations, over an expression GIN index per
language (created by the migration). SQLite has no Swedish stemmer, so its FTS5 table holds the text
already stemmed by Snowball (the same algorithms PostgreSQL uses), written by `index_proposal`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import snowballstemmer
from sqlalchemy import DDL, and_, bindparam, column, event, func, literal_column, select, table, text
from sqlalchemy.sql.elements import ColumnElement

from participate.extensions import db
from participate.proposals.models import Proposal

FTS_TABLE = "proposal_fts"
PG_CONFIGS = {"en": "english", "sv": "swedish"}
SNOWBALL = {"en": "english", "sv": "swedish"}
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


def is_outside_the_models(name: str | None) -> bool:
    """Database objects the search adds beside the models (ignored when comparing schemas)."""
    return name is not None and name.startswith((FTS_TABLE, "ix_proposal_search_"))


SQLITE_FTS_DDL = f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(body, tokenize='unicode61')"


def pg_document(config: str) -> str:
    return (
        f"to_tsvector('{config}'::regconfig, "
        "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(description, ''))"
    )


def pg_index_ddl(language: str) -> str:
    return (
        f"CREATE INDEX IF NOT EXISTS ix_proposal_search_{language} ON proposal "
        f"USING gin ({pg_document(PG_CONFIGS[language])}) WHERE language = '{language}'"
    )


event.listen(Proposal.__table__, "after_create", DDL(SQLITE_FTS_DDL).execute_if(dialect="sqlite"))
for _language in PG_CONFIGS:
    event.listen(
        Proposal.__table__, "after_create", DDL(pg_index_ddl(_language)).execute_if(dialect="postgresql")
    )


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(SNOWBALL.get(language, "english"))


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


def matching(
    query: str, language: str, *, any_word: bool = False
) -> tuple[ColumnElement[bool], ColumnElement[Any]] | None:
    """A condition on Proposal and a relevance score (higher is better); None when the query has no words.

    A search needs every word; `any_word` (similar titles) needs one, best matches first."""
    words = [w for w in WORD.findall(query.casefold()) if w not in STOPWORDS.get(language, ())]
    words = [w for w in words if len(w) > 2 or not any_word][:MAX_QUERY_WORDS]
    if not words:
        return None
    if _dialect() == "postgresql":
        config = PG_CONFIGS.get(language, "english")
        document: ColumnElement[Any] = literal_column(pg_document(config))
        regconfig: ColumnElement[Any] = literal_column(f"'{config}'::regconfig")
        # Words are \w+ only, so joining them with | makes a safe tsquery.
        tsquery = (
            func.to_tsquery(regconfig, " | ".join(words))
            if any_word
            else func.plainto_tsquery(regconfig, " ".join(words))
        )
        condition = and_(Proposal.language == language, document.op("@@")(tsquery))
        return condition, func.ts_rank(document, tsquery)
    # Stemmed words as prefixes: "parken" and "parks" both find "park".
    joiner = " OR " if any_word else " "
    fts_query = joiner.join(f'"{stem}"*' for stem in stems(" ".join(words), language))
    fts = table(FTS_TABLE, column("rowid"))
    match = literal_column(FTS_TABLE).op("MATCH")(bindparam("fts_query", fts_query))
    ids = select(fts.c.rowid).where(match)
    rank = (
        select(-func.bm25(literal_column(FTS_TABLE)))
        .where(match, fts.c.rowid == Proposal.id)
        .scalar_subquery()
    )
    return Proposal.id.in_(ids), rank
