import NewsText

/// The shared archive's tables, versioned like the SQLite index: `newsd_schema` holds the version,
/// and each migration takes the database from one version to the next inside one transaction.
///
/// Files are keyed by host and path (each host has its own inbox); articles by their content, so
/// the same text dropped on two hosts is one article with two files. Each language newsd stems
/// has a text search configuration of its own — Snowball without stop words, diacritics folded
/// by `unaccent` — so that every word is searchable, as in the embedded index.
enum PostgresSchema {
    /// The version this build writes.
    static var version: Int { migrations.count }

    /// The text search configuration of articles in `language` (unknown ones are stemmed as English,
    /// as in the embedded index).
    static func searchConfiguration(language: String?) -> String {
        guard let language, let name = Stemmer.algorithms[language] else { return "newsd_english" }
        return "newsd_\(name)"
    }

    /// Every configuration, for queries: a word is looked up in each language's stemmed form.
    static var searchConfigurations: [String] { Stemmer.languages.map { searchConfiguration(language: $0) } }

    /// Migration `n` takes the schema from version `n` to `n + 1`.
    static let migrations: [[String]] = [version1, version2, version3, version4, version5]

    /// The tables newsd reads and writes, for the privilege check and the size in `status`.
    static let tables = ["newsd_host", "newsd_article", "newsd_file", "newsd_container", "newsd_failure", "newsd_reader", "newsd_story",
                         "newsd_alert", "newsd_alert_match"]

    /// `tables` as an SQL array literal.
    static var tableArray: String { "ARRAY[" + tables.map { "'\($0)'" }.joined(separator: ", ") + "]" }

    /// Version 2: what each Unix user of each host has seen (`newsctl new`; uids are a host's
    /// own); a query term's stemmed forms once each (the same stem from several languages made
    /// every lookup test it several times); prefixes folded, not stemmed (a stemmed `compan*`
    /// was `comp*` in some languages).
    private static var version2: [String] { [
        "CREATE TEXT SEARCH CONFIGURATION newsd_simple (COPY = simple)",
        "ALTER TEXT SEARCH CONFIGURATION newsd_simple ALTER MAPPING FOR asciiword, word, hword, hword_part, asciihword, hword_asciipart WITH unaccent, simple",
        """
        CREATE OR REPLACE FUNCTION newsd_term(term text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$
            SELECT coalesce(string_agg(DISTINCT '(' || form::text || ')', ' | ')::tsquery, ''::tsquery)
            FROM unnest(ARRAY[\(searchConfigurations.map { "to_tsquery('\($0)', term)" }.joined(separator: ", "))]) AS form
            WHERE form::text <> ''
        $$
        """,
        """
        CREATE FUNCTION newsd_prefix(term text) RETURNS tsquery
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT to_tsquery('newsd_simple', term) $$
        """,
        """
        CREATE TABLE newsd_reader (
            host_id text NOT NULL REFERENCES newsd_host,
            uid bigint NOT NULL,
            seen_up_to double precision NOT NULL,
            PRIMARY KEY (host_id, uid)
        )
        """,
    ] }

    /// Version 3: stories, as the archive's one placer publishes them (`newsd_story`, and each
    /// article's `story_id` and `copy_of`), looked up by story and copy group; each article's
    /// fingerprint (`ArticleFingerprint`, encoded), for related articles.
    private static var version3: [String] { [
        "ALTER TABLE newsd_article ADD COLUMN fingerprint bytea",
        "ALTER TABLE newsd_article ADD COLUMN copy_similarity double precision",
        """
        CREATE TABLE newsd_story (
            id bigint PRIMARY KEY,
            articles integer NOT NULL,
            outlets integer NOT NULL,
            first_date text NOT NULL,
            last_date text NOT NULL
        )
        """,
        "CREATE INDEX newsd_story_last_date ON newsd_story (last_date)",
        "CREATE INDEX newsd_article_story ON newsd_article (story_id, article_date)",
        "CREATE INDEX newsd_article_copy_of ON newsd_article (copy_of) WHERE copy_of IS NOT NULL",
        "CREATE INDEX newsd_article_unplaced ON newsd_article (id) WHERE story_id IS NULL",
    ] }

    /// Version 5: the version of the analysis (`ArticleAnalyzer.version`) each host's files were
    /// last read with, all of them; 0 for hosts of builds before it, whose files are read again.
    private static var version5: [String] { [
        "ALTER TABLE newsd_host ADD COLUMN analysis integer NOT NULL DEFAULT 0",
    ] }

    /// Version 4: alerts, archive-wide, each kept by the host it was added on (which announces
    /// its matches); a match recorded once per alert and article by the transaction that adds
    /// the article, on whichever host, and marked when its host has announced it.
    private static var version4: [String] { [
        """
        CREATE TABLE newsd_alert (
            name text PRIMARY KEY,
            query text NOT NULL,
            host_id text NOT NULL REFERENCES newsd_host,
            created_at double precision NOT NULL
        )
        """,
        """
        CREATE TABLE newsd_alert_match (
            alert text NOT NULL REFERENCES newsd_alert ON DELETE CASCADE,
            article_id bigint NOT NULL,
            matched_at double precision NOT NULL,
            announced_at double precision,
            PRIMARY KEY (alert, article_id)
        )
        """,
        "CREATE INDEX newsd_alert_match_pending ON newsd_alert_match (matched_at, article_id) WHERE announced_at IS NULL",
    ] }

    private static var version1: [String] {
        var statements = [
            "CREATE EXTENSION IF NOT EXISTS unaccent",
            """
            CREATE TABLE newsd_host (
                host_id text PRIMARY KEY,
                first_seen double precision NOT NULL,
                last_seen double precision NOT NULL
            )
            """,
        ]
        for name in Set(Stemmer.algorithms.values).sorted() {
            statements += [
                "CREATE TEXT SEARCH DICTIONARY newsd_\(name)_stem (TEMPLATE = snowball, Language = \(name))",
                "CREATE TEXT SEARCH CONFIGURATION newsd_\(name) (COPY = simple)",
                """
                ALTER TEXT SEARCH CONFIGURATION newsd_\(name) ALTER MAPPING FOR asciiword, word, hword, hword_part, asciihword, hword_asciipart
                WITH unaccent, newsd_\(name)_stem
                """,
            ]
        }
        let configurations = searchConfigurations.map { "to_tsquery('\($0)', term)" }.joined(separator: " || ")
        statements += [
            // A term of a query (a tsquery text built by newsd from the parsed query, never the user's
            // text) in every language's stemmed form.
            """
            CREATE FUNCTION newsd_term(term text) RETURNS tsquery
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $$ SELECT \(configurations) $$
            """,
            """
            CREATE TABLE newsd_article (
                id bigserial PRIMARY KEY,
                content_hash text NOT NULL UNIQUE,
                headline text NOT NULL,
                body text NOT NULL,
                encoding text NOT NULL,
                word_count integer NOT NULL,
                outlet text,
                byline text,
                published_date text,
                date_source text,
                article_date text NOT NULL,
                url text,
                language text,
                search_configuration regconfig NOT NULL,
                ingested_at double precision NOT NULL,
                first_host text NOT NULL,
                story_id bigint,
                copy_of bigint,
                document tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector(search_configuration, headline), 'A')
                    || setweight(to_tsvector(search_configuration, body), 'B')
                    || setweight(to_tsvector('simple'::regconfig, coalesce(outlet, '')), 'C')
                    || setweight(to_tsvector('simple'::regconfig, coalesce(byline, '')), 'D')
                ) STORED
            )
            """,
            "CREATE INDEX newsd_article_document ON newsd_article USING gin (document)",
            "CREATE INDEX newsd_article_date ON newsd_article (article_date, id)",
            "CREATE INDEX newsd_article_ingested ON newsd_article (ingested_at)",
            """
            CREATE TABLE newsd_file (
                host_id text NOT NULL REFERENCES newsd_host,
                path text NOT NULL,
                article_id bigint NOT NULL REFERENCES newsd_article,
                container text,
                encoding text NOT NULL,
                inode bigint NOT NULL,
                size bigint NOT NULL,
                mtime_ns bigint NOT NULL,
                ctime_ns bigint NOT NULL,
                PRIMARY KEY (host_id, path)
            )
            """,
            "CREATE INDEX newsd_file_article ON newsd_file (article_id)",
            "CREATE INDEX newsd_file_container ON newsd_file (host_id, container) WHERE container IS NOT NULL",
            """
            CREATE TABLE newsd_container (
                host_id text NOT NULL REFERENCES newsd_host,
                path text NOT NULL,
                articles integer NOT NULL,
                skipped integer NOT NULL,
                skipped_reasons text,
                inode bigint NOT NULL,
                size bigint NOT NULL,
                mtime_ns bigint NOT NULL,
                ctime_ns bigint NOT NULL,
                PRIMARY KEY (host_id, path)
            )
            """,
            """
            CREATE TABLE newsd_failure (
                host_id text NOT NULL REFERENCES newsd_host,
                path text NOT NULL,
                code text NOT NULL,
                reason text NOT NULL,
                inode bigint NOT NULL,
                size bigint NOT NULL,
                mtime_ns bigint NOT NULL,
                ctime_ns bigint NOT NULL,
                PRIMARY KEY (host_id, path)
            )
            """,
        ]
        return statements
    }
}
