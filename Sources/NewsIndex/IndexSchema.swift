import Foundation
import GRDB
import NewsCore

/// The database schema, as forward-only migrations. Every schema change is a new
/// migration appended here; an index written by a newer newsd is refused.
enum IndexSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-articles-files-failures") { db in
            // One row per distinct article text; several inbox files may share it.
            try db.execute(sql: """
                CREATE TABLE article (
                    id INTEGER PRIMARY KEY,
                    contentHash TEXT NOT NULL UNIQUE,
                    headline TEXT NOT NULL,
                    body TEXT NOT NULL,
                    encoding TEXT NOT NULL,
                    wordCount INTEGER NOT NULL,
                    ingestedAt REAL NOT NULL
                );
                CREATE INDEX article_ingestedAt ON article(ingestedAt);
                -- One row per indexed inbox file; the stamp lets reconciliation skip unchanged files.
                CREATE TABLE file (
                    path TEXT PRIMARY KEY,
                    articleId INTEGER NOT NULL REFERENCES article(id),
                    inode INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    mtimeNs INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX file_articleId ON file(articleId);
                -- Files that could not be indexed, with the reason; retried when they change.
                CREATE TABLE failure (
                    path TEXT PRIMARY KEY,
                    code TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    inode INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    mtimeNs INTEGER NOT NULL,
                    failedAt REAL NOT NULL
                ) WITHOUT ROWID;
                -- External-content FTS5: the text is stored once, in article, and snippets read it from there.
                CREATE VIRTUAL TABLE article_fts USING fts5(
                    headline, body,
                    content='article', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2'
                );
                CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN
                    INSERT INTO article_fts(rowid, headline, body) VALUES (new.id, new.headline, new.body);
                END;
                CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
                    INSERT INTO article_fts(article_fts, rowid, headline, body) VALUES ('delete', old.id, old.headline, old.body);
                END;
                CREATE TRIGGER article_fts_update AFTER UPDATE OF headline, body ON article BEGIN
                    INSERT INTO article_fts(article_fts, rowid, headline, body) VALUES ('delete', old.id, old.headline, old.body);
                    INSERT INTO article_fts(rowid, headline, body) VALUES (new.id, new.headline, new.body);
                END;
                """)
        }
        migrator.registerMigration("v2-metadata") { db in
            // What the text says about itself (#6), and the date every search filters and sorts by:
            // the published date when the text gives one, else the day of the file's modification time.
            try db.execute(sql: """
                ALTER TABLE article ADD COLUMN outlet TEXT;
                ALTER TABLE article ADD COLUMN byline TEXT;
                ALTER TABLE article ADD COLUMN publishedDate TEXT;
                ALTER TABLE article ADD COLUMN articleDate TEXT NOT NULL DEFAULT '';
                UPDATE article SET articleDate = date(ingestedAt, 'unixepoch');
                CREATE INDEX article_articleDate ON article(articleDate);
                CREATE INDEX article_outlet ON article(outlet);
                DROP TRIGGER article_fts_insert;
                DROP TRIGGER article_fts_delete;
                DROP TRIGGER article_fts_update;
                DROP TABLE article_fts;
                """)
            try createFullTextIndex(db)
            try db.execute(sql: """
                INSERT INTO article_fts(article_fts) VALUES ('rebuild');
                -- An impossible stamp makes the next reconciliation read every file again,
                -- so that the metadata of articles indexed before this version is extracted.
                UPDATE file SET mtimeNs = -1;
                """)
        }
        migrator.registerMigration("v3-stories") { db in
            // Fingerprints (#6), near-duplicate groups (copyOf: the group's first article) and stories.
            try db.execute(sql: """
                ALTER TABLE article ADD COLUMN fingerprint BLOB;
                ALTER TABLE article ADD COLUMN storyId INTEGER;
                ALTER TABLE article ADD COLUMN copyOf INTEGER;
                ALTER TABLE article ADD COLUMN copySimilarity REAL;
                -- The modification time of the file that brought the article in: orders a story's
                -- reports within a day when the texts give no dates.
                ALTER TABLE article ADD COLUMN fileTime REAL NOT NULL DEFAULT 0;
                CREATE INDEX article_storyId ON article(storyId);
                CREATE INDEX article_copyOf ON article(copyOf);
                -- One row per story: the reports of one event. Counts are kept current at every write.
                CREATE TABLE story (
                    id INTEGER PRIMARY KEY,
                    articles INTEGER NOT NULL,
                    outlets INTEGER NOT NULL,
                    firstDate TEXT NOT NULL,
                    lastDate TEXT NOT NULL
                );
                CREATE INDEX story_outlets ON story(outlets);
                -- Placed articles filed under their names and strongest terms (hashed), to find
                -- relatives without a full-text query; and how many articles share each key.
                CREATE TABLE relative_key (
                    key INTEGER NOT NULL,
                    articleId INTEGER NOT NULL,
                    PRIMARY KEY (key, articleId)
                ) WITHOUT ROWID;
                CREATE TABLE relative_key_count (
                    key INTEGER PRIMARY KEY,
                    articles INTEGER NOT NULL
                );
                """)
            // No re-read: every article starts with storyId NULL, and placement (which computes
            // the fingerprint) picks those up after the first reconciliation.
        }
        migrator.registerMigration("v4-search-cover") { db in
            // Everything ranking and grouping read per match, in an index: an article row holds
            // the body before these columns, and a long body overflows to further pages.
            try db.execute(sql: "CREATE INDEX \(searchCoverIndex) ON article(id, copyOf, storyId, articleDate)")
        }
        migrator.registerMigration("v5-batched-fulltext-insert") { db in
            // New articles reach the full-text index once per transaction (see PendingFullText).
            try db.execute(sql: "DROP TRIGGER article_fts_insert")
        }
        migrator.registerMigration("v6-no-ingestedAt-index") { db in
            // No query orders or filters by ingest time; the index only cost every insert a B-tree update.
            try db.execute(sql: "DROP INDEX article_ingestedAt")
        }
        migrator.registerMigration("v7-ctime-in-stamps") { db in
            // -1 matches no file: every file is read once more after the upgrade, and from then
            // on a permission change missed during a crash is seen at the next start.
            try db.execute(sql: """
                ALTER TABLE file ADD COLUMN ctimeNs INTEGER NOT NULL DEFAULT -1;
                ALTER TABLE failure ADD COLUMN ctimeNs INTEGER NOT NULL DEFAULT -1;
                """)
        }
        migrator.registerMigration("v8-formats-dates-addresses") { db in
            // #12: how sure a date is, the article's address and language, articles inside
            // multi-article files (JSON arrays, JSON Lines: file rows "export.jsonl#17" whose
            // container is "export.jsonl", which has its own stamp), and every file read again
            // (-1 matches no stamp) so that the new readers and the new date rules apply.
            try db.execute(sql: """
                ALTER TABLE article ADD COLUMN dateSource TEXT;
                ALTER TABLE article ADD COLUMN url TEXT;
                ALTER TABLE article ADD COLUMN language TEXT;
                UPDATE article SET dateSource = 'published' WHERE publishedDate IS NOT NULL;
                CREATE INDEX article_language ON article(language) WHERE language IS NOT NULL;
                ALTER TABLE file ADD COLUMN container TEXT;
                CREATE INDEX file_container ON file(container) WHERE container IS NOT NULL;
                CREATE TABLE container (
                    path TEXT PRIMARY KEY,
                    inode INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    mtimeNs INTEGER NOT NULL,
                    ctimeNs INTEGER NOT NULL,
                    articles INTEGER NOT NULL,
                    skipped INTEGER NOT NULL,
                    skippedReasons TEXT
                ) WITHOUT ROWID;
                UPDATE file SET mtimeNs = -1;
                UPDATE failure SET mtimeNs = -1;
                DROP TRIGGER article_fts_delete;
                DROP TRIGGER article_fts_update;
                DROP TABLE article_fts;
                """)
            // The full-text index stems each article in its language (see LanguageTokenizer).
            try createLanguageFullTextIndex(db)
            try db.execute(sql: """
                INSERT INTO article_fts(rowid, headline, body, outlet, byline)
                SELECT id, \(LanguageTokenizer.markedSQL("article", "headline")), \(LanguageTokenizer.markedSQL("article", "body")),
                       outlet, byline FROM article
                """)
        }
        migrator.registerMigration("v9-compressed-text-compact-fingerprints") { db in
            // #13: the text is stored compressed in a table of its own (`TextCompression`) and the
            // fingerprint, made when the file is read, in another (version 2, about half the
            // bytes), so an article row holds metadata only and placing an article rewrites no
            // text. The full-text index reads its content through a view that inflates the text
            // (only snippets read it). Story candidates are filed by day, and read within a
            // window and up to a fixed count (`StoryCandidates`), so lookups stop growing with the archive.
            try db.execute(sql: """
                DROP TRIGGER article_fts_delete;
                DROP TRIGGER article_fts_update;
                DROP TABLE article_fts;
                CREATE TABLE article_text (id INTEGER PRIMARY KEY, body BLOB NOT NULL);
                CREATE TABLE article_fingerprint (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL);
                DROP TABLE relative_key;
                DROP TABLE relative_key_count;
                -- Placed articles filed under their names and strongest terms and the day of
                -- their published date, for finding story candidates (see StoryCandidates).
                CREATE TABLE story_key (
                    key INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    articleId INTEGER NOT NULL,
                    PRIMARY KEY (key, day, articleId)
                ) WITHOUT ROWID;
                CREATE TABLE story_key_count (
                    key INTEGER PRIMARY KEY,
                    articles INTEGER NOT NULL
                );
                """)
            try createCompressedFullTextIndex(db)
            // Placed articles are not filed under story keys here: v13 empties the keys and
            // places every article again (and `StoryCandidates` files in v27's form).
            let rows = try Row.fetchCursor(db, sql: "SELECT id, headline, body FROM article")
            while let row = try rows.next() {
                let (id, headline, body): (Int64, String, String) = (row[0], row[1], row[2])
                let fingerprint = ArticleFingerprint.of(headline: headline, body: body)
                try db.cachedStatement(sql: "INSERT INTO article_text(id, body) VALUES (?, ?)")
                    .execute(arguments: [id, Data(TextCompression.compress(body))])
                try db.cachedStatement(sql: "INSERT INTO article_fingerprint(id, bytes) VALUES (?, ?)")
                    .execute(arguments: [id, Data(fingerprint.encoded)])
            }
            try db.execute(sql: """
                INSERT INTO article_fts(rowid, headline, body, outlet, byline)
                SELECT id, \(LanguageTokenizer.markedSQL("article", "headline")), \(LanguageTokenizer.markedSQL("article", "body")),
                       outlet, byline FROM article;
                ALTER TABLE article DROP COLUMN body;
                ALTER TABLE article DROP COLUMN fingerprint;
                """)
        }
        migrator.registerMigration("v10-article-tallies") { db in
            // #13: the status call counted articles per language and outlet by reading every
            // article, on every status call and every watchdog check. Triggers keep the counts.
            try db.execute(sql: """
                CREATE TABLE tally (
                    kind TEXT NOT NULL,    -- 'articles' (value ''), 'language' or 'outlet'
                    value TEXT NOT NULL,
                    articles INTEGER NOT NULL,
                    PRIMARY KEY (kind, value)
                ) WITHOUT ROWID;
                INSERT INTO tally SELECT 'articles', '', count(*) FROM article;
                INSERT INTO tally SELECT 'language', language, count(*) FROM article WHERE language IS NOT NULL GROUP BY language;
                INSERT INTO tally SELECT 'outlet', outlet, count(*) FROM article WHERE outlet IS NOT NULL GROUP BY outlet;
                CREATE TRIGGER tally_article_insert AFTER INSERT ON article BEGIN
                    INSERT INTO tally VALUES ('articles', '', 1) ON CONFLICT DO UPDATE SET articles = articles + 1;
                    INSERT INTO tally SELECT 'language', new.language, 1 WHERE new.language IS NOT NULL
                        ON CONFLICT DO UPDATE SET articles = articles + 1;
                    INSERT INTO tally SELECT 'outlet', new.outlet, 1 WHERE new.outlet IS NOT NULL
                        ON CONFLICT DO UPDATE SET articles = articles + 1;
                END;
                CREATE TRIGGER tally_article_delete AFTER DELETE ON article BEGIN
                    UPDATE tally SET articles = articles - 1
                    WHERE (kind = 'articles' AND value = '') OR (kind = 'language' AND value = old.language)
                       OR (kind = 'outlet' AND value = old.outlet);
                END;
                CREATE TRIGGER tally_article_language AFTER UPDATE OF language ON article WHEN old.language IS NOT new.language BEGIN
                    UPDATE tally SET articles = articles - 1 WHERE kind = 'language' AND value = old.language;
                    INSERT INTO tally SELECT 'language', new.language, 1 WHERE new.language IS NOT NULL
                        ON CONFLICT DO UPDATE SET articles = articles + 1;
                END;
                CREATE TRIGGER tally_article_outlet AFTER UPDATE OF outlet ON article WHEN old.outlet IS NOT new.outlet BEGIN
                    UPDATE tally SET articles = articles - 1 WHERE kind = 'outlet' AND value = old.outlet;
                    INSERT INTO tally SELECT 'outlet', new.outlet, 1 WHERE new.outlet IS NOT NULL
                        ON CONFLICT DO UPDATE SET articles = articles + 1;
                END;
                """)
        }
        migrator.registerMigration("v11-undated-last-arrival-order") { db in
            // #14: date orders put articles dated only by their file last, and `added:` and
            // `--sort added` use when an article arrived: a search with a MATCH reads both from
            // the covering index, not the row; one without walks the arrival index.
            try db.execute(sql: """
                DROP INDEX \(searchCoverIndex);
                CREATE INDEX \(searchCoverIndex) ON article(id, copyOf, storyId, articleDate, dateSource, ingestedAt);
                CREATE INDEX article_ingestedAt ON article(ingestedAt);
                CREATE TABLE reader_cursor (
                    uid INTEGER PRIMARY KEY,    -- the Unix user (SO_PEERCRED) of `newsctl new`
                    seenUpTo REAL NOT NULL      -- ingestedAt of the last article they were shown
                );
                """)
        }
        migrator.registerMigration("v12-alerts") { db in
            // #14: alerts are matched inside the transaction that adds an article, and each
            // match is recorded there, once: announcing it (journal, alert_command) happens after
            // the commit and is marked done, so a restart neither repeats nor loses one.
            try db.execute(sql: """
                CREATE TABLE alert (
                    name TEXT PRIMARY KEY,
                    query TEXT NOT NULL,
                    createdAt REAL NOT NULL
                );
                CREATE TABLE alert_match (
                    alert TEXT NOT NULL,
                    articleId INTEGER NOT NULL,
                    matchedAt REAL NOT NULL,
                    notifiedAt REAL,            -- NULL until announced
                    PRIMARY KEY (alert, articleId)
                ) WITHOUT ROWID;
                CREATE INDEX alert_match_pending ON alert_match(matchedAt, articleId) WHERE notifiedAt IS NULL;
                """)
        }
        migrator.registerMigration("v13-story-links") { db in
            // #14: stories are the connected groups of each article's best link, which no
            // longer depends on the order articles arrive in. Stories placed the old way are
            // placed again, after the next start, as a bulk load's are.
            try db.execute(sql: """
                CREATE TABLE story_link (
                    id INTEGER NOT NULL,        -- a placed article
                    other INTEGER NOT NULL,     -- one of the articles it is most like
                    score REAL NOT NULL,
                    copy INTEGER NOT NULL,      -- 1 when the link is a copy of its text
                    PRIMARY KEY (id, other)
                ) WITHOUT ROWID;
                CREATE INDEX story_link_other ON story_link(other);
                UPDATE article SET storyId = NULL, copyOf = NULL, copySimilarity = NULL;
                DELETE FROM story;
                DELETE FROM story_key;
                DELETE FROM story_key_count;
                """)
        }
        migrator.registerMigration("v14-story-members-index") { db in
            // #13: each placement transaction recounts the stories it touched (articles, outlets,
            // first and last date); through an index of the story id alone every member's row was
            // read, and a story of thousands of templated reports was recounted again and again.
            // This index holds all the recount reads: the first and last published date are one
            // lookup each, the rest a scan of the index. Articles waiting to be placed are found,
            // oldest first, through an index of them alone (the planner read the table in id
            // order past every placed article, at each placement transaction). Links left pointing
            // to articles that are gone (removed while waiting to be placed again) joined nothing
            // and are dropped.
            try db.execute(sql: """
                DELETE FROM story_link WHERE other NOT IN (SELECT id FROM article);
                DROP INDEX article_storyId;
                CREATE INDEX article_story_members ON article(storyId, dateSource, articleDate, outlet);
                CREATE INDEX article_unplaced ON article(id) WHERE storyId IS NULL;
                """)
        }
        migrator.registerMigration("v15-common-story-keys-unfiled") { db in
            // #13: a key filed for more than `StoryCandidates.commonKey` articles is never looked
            // up, so its entries are dropped and no more are filed (see `StoryCandidates.file`).
            try db.execute(sql: """
                DELETE FROM story_key WHERE key IN (SELECT key FROM story_key_count WHERE articles > ?)
                """, arguments: [StoryCandidates.commonKey])
        }
        migrator.registerMigration("v16-fulltext-removals") { db in
            // #13: searches rank with every full-text row's length held in memory
            // (`DocumentLengths`): rows removed from the full-text index (an edit removes one
            // and adds it again under the same id) are logged, so the table can follow them.
            try db.execute(sql: changeLog("fulltext_removal") + "DROP TRIGGER article_fts_delete;")
            try createFullTextDeleteTrigger(db, logging: true)
        }
        migrator.registerMigration("v17-copy-group-changes") { db in
            // #13: searches count the copy groups among their matches from each article's group
            // held in memory (`CopyGroups`): every article whose group changes is logged.
            try db.execute(sql: changeLog("copy_group_change") + """
                CREATE TRIGGER copy_group_set AFTER UPDATE OF copyOf ON article WHEN old.copyOf IS NOT new.copyOf BEGIN
                    INSERT INTO copy_group_change(id) VALUES (new.id);
                END;
                CREATE TRIGGER copy_group_inserted AFTER INSERT ON article WHEN new.copyOf IS NOT NULL BEGIN
                    INSERT INTO copy_group_change(id) VALUES (new.id);
                END;
                CREATE TRIGGER copy_group_removed AFTER DELETE ON article WHEN old.copyOf IS NOT NULL BEGIN
                    INSERT INTO copy_group_change(id) VALUES (old.id);
                END;
                """)
        }
        migrator.registerMigration("v18-text-dictionaries") { db in
            // #13: article text compressed with zstd dictionaries trained on the archive
            // (`TextCodec`, `ArticleIndex.compactText`). `throughId` is the highest article id
            // when it was trained; texts up to it are recompressed with it, up to `recompressedThrough`;
            // `unreadable` counts those the pass could not read (older dictionaries are then kept).
            // The idle pass has since gone on past `throughId`, storing more tightly what ingest
            // compressed quickly.
            try db.execute(sql: """
                CREATE TABLE text_dictionary (
                    id INTEGER PRIMARY KEY,
                    bytes BLOB NOT NULL,
                    trainedAt REAL NOT NULL,
                    articles INTEGER NOT NULL,
                    throughId INTEGER NOT NULL,
                    recompressedThrough INTEGER NOT NULL,
                    unreadable INTEGER NOT NULL DEFAULT 0
                );
                """)
        }
        migrator.registerMigration("v19-fulltext-merged-when-idle") { db in
            // #13: small writes leave FTS5's segment merging to the idle steps (see
            // `PendingFullText.mergingBatch`, which turns automerge on again for bulk transactions).
            try db.execute(sql: "INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 0)")
        }
        migrator.registerMigration("v20-status-row-tallies") { db in
            // #13: status and the systemd status line counted files, stories and unplaced
            // articles row by row on every call (a scan of 95k file rows under a bulk load);
            // triggers keep those counts in `tally` as well (`articles` holds the count of rows).
            // File rows are written with an upsert, never `INSERT OR REPLACE`, whose implied
            // delete fires no trigger.
            try db.execute(sql: """
                INSERT INTO tally SELECT 'files', '', count(*) FROM file;
                INSERT INTO tally SELECT 'stories', '', count(*) FROM story;
                INSERT INTO tally SELECT 'unplaced', '', count(*) FROM article WHERE storyId IS NULL;
                """)
            // name, the event it follows, the kind it counts, and by how much when (nil: always).
            let triggers: [(name: String, event: String, kind: String, change: String, when: String?)] = [
                ("file_insert", "INSERT ON file", "files", "+ 1", nil),
                ("file_delete", "DELETE ON file", "files", "- 1", nil),
                ("story_insert", "INSERT ON story", "stories", "+ 1", nil),
                ("story_delete", "DELETE ON story", "stories", "- 1", nil),
                ("unplaced_insert", "INSERT ON article", "unplaced", "+ 1", "new.storyId IS NULL"),
                ("unplaced_delete", "DELETE ON article", "unplaced", "- 1", "old.storyId IS NULL"),
                ("unplaced_update", "UPDATE OF storyId ON article", "unplaced", "+ iif(new.storyId IS NULL, 1, -1)",
                 "(old.storyId IS NULL) <> (new.storyId IS NULL)"),
            ]
            for trigger in triggers {
                try db.execute(sql: """
                    CREATE TRIGGER tally_\(trigger.name) AFTER \(trigger.event) \(trigger.when.map { "WHEN \($0) " } ?? "")BEGIN
                        UPDATE tally SET articles = articles \(trigger.change) WHERE kind = '\(trigger.kind)' AND value = '';
                    END
                    """)
            }
        }
        migrator.registerMigration("v21-copies-stored-as-differences") { db in
            try db.execute(sql: copyTextsSQL)
            // The copies already placed: each against its group's first article, which is no
            // copy (`copyOf` always names the first), so no text stored here is another's base.
            try db.execute(sql: """
                UPDATE copy_text_cursor SET freedBytes = (SELECT coalesce(sum(length(body)), 0) FROM article_text);
                UPDATE article_text SET body = \(TextCodec.copyFunction)(article_text.body, a.copyOf, b.body)
                FROM article a JOIN article_text b ON b.id = a.copyOf
                WHERE a.id = article_text.id AND a.copyOf IS NOT NULL;
                UPDATE article_text SET base = \(TextCodec.baseFunction)(body) WHERE \(TextCodec.baseFunction)(body) IS NOT NULL;
                UPDATE copy_text_cursor SET freedBytes = freedBytes - (SELECT coalesce(sum(length(body)), 0) FROM article_text);
                """)
        }
        migrator.registerMigration("v22-body-first-fulltext") { db in
            // #13: FTS5 writes a column's number before a row's positions of a term in any column
            // but the first; with the headline first, nearly every term of every body paid two
            // bytes for it. The index is written again, the body first (`createBodyFirstFullTextIndex`).
            try db.execute(sql: "DROP TABLE article_fts")
            try createBodyFirstFullTextIndex(db)
            try db.execute(sql: """
                INSERT INTO article_fts(rowid, body, headline, outlet, byline)
                SELECT a.id, \(LanguageTokenizer.markedExpression(language: "a.language", value: "\(TextCodec.inflateFunction)(t.body)")),
                       \(LanguageTokenizer.markedSQL("a", "headline")), a.outlet, a.byline
                FROM article a JOIN article_text t ON t.id = a.id ORDER BY a.id;
                INSERT INTO article_fts(article_fts) VALUES ('optimize');
                INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 0);
                """)
        }
        migrator.registerMigration("v23-fingerprints-rice-coded") { db in
            // #13: stored fingerprints rewritten in version 3 (`ArticleFingerprint.encoded`, smaller);
            // one that cannot be read stays as it is.
            let reencode = DatabaseFunction("newsd_fingerprint_v3", argumentCount: 1, pure: true) { values in
                guard let stored = Data.fromDatabaseValue(values[0]) else { return values[0] }
                return ArticleFingerprint(encoded: [UInt8](stored)).map { Data($0.encoded) } ?? stored
            }
            db.add(function: reencode)
            try db.execute(sql: "UPDATE article_fingerprint SET bytes = newsd_fingerprint_v3(bytes)")
            db.remove(function: reencode)
        }
        migrator.registerMigration("v24-content-hash-bytes") { db in
            // #13: content hashes stored as their 16 bytes (`StoredContentHash`), not 32 hex digits.
            let toBytes = DatabaseFunction("newsd_content_hash_bytes", argumentCount: 1, pure: true) { values in
                guard let hex = String.fromDatabaseValue(values[0]), let bytes = StoredContentHash.bytes(hex: hex) else { return values[0] }
                return Data(bytes)
            }
            db.add(function: toBytes)
            try db.execute(sql: "UPDATE article SET contentHash = newsd_content_hash_bytes(contentHash) WHERE typeof(contentHash) = 'text'")
            db.remove(function: toBytes)
        }
        migrator.registerMigration("v25-undated-story-keys-filed-at-zero") { db in
            // #13: undated articles' story keys filed under day 0 (stored in no bytes) instead of
            // -1,000,000 (three), published days from 1970 on one higher (`StoryCandidates.filingDay`).
            // An article is filed under a key once, so no two rows meet on the way.
            try db.execute(sql: """
                UPDATE story_key SET day = CASE WHEN day = -1000000 THEN 0 WHEN day >= 0 THEN day + 1 ELSE day END
                """)
        }
        migrator.registerMigration("v26-copies-fingerprints-as-differences") { db in
            try db.execute(sql: copyFingerprintsSQL)
            // The copies already placed: each against its group's first article, which is no
            // copy (`copyOf` always names the first), so no fingerprint stored here is another's base.
            try db.execute(sql: """
                UPDATE article_fingerprint SET bytes = \(FingerprintCodec.copyFunction)(article_fingerprint.bytes, b.bytes)
                FROM article a JOIN article first ON first.id = a.copyOf AND first.copyOf IS NULL
                JOIN article_fingerprint b ON b.id = first.id
                WHERE a.id = article_fingerprint.id;
                UPDATE article_fingerprint SET base = (SELECT copyOf FROM article WHERE id = article_fingerprint.id)
                WHERE \(FingerprintCodec.isDifferenceFunction)(bytes);
                """)
        }
        migrator.registerMigration("v27-story-keys-packed-per-day") { db in
            // #13: one row per key and day listing its articles (`PackedArticleIds`), where a
            // row per key, day and article cost a dozen bytes an entry.
            try db.execute(sql: """
                CREATE TABLE story_key_packed (
                    key INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    articles BLOB NOT NULL,
                    PRIMARY KEY (key, day)
                ) WITHOUT ROWID;
                """)
            let entries = try Row.fetchCursor(db, sql: "SELECT key, day, articleId FROM story_key ORDER BY key, day, articleId")
            let insert = try db.makeStatement(sql: "INSERT INTO story_key_packed(key, day, articles) VALUES (?, ?, ?)")
            var current: (key: Int64, day: Int64)?
            var ids: [Int64] = []
            func flush() throws {
                if let current, !ids.isEmpty { try insert.execute(arguments: [current.key, current.day, PackedArticleIds.encode(ids)]) }
                ids.removeAll(keepingCapacity: true)
            }
            while let row = try entries.next() {
                let (key, day, id): (Int64, Int64, Int64) = (row[0], row[1], row[2])
                if current.map({ $0.key != key || $0.day != day }) ?? true {
                    try flush()
                    current = (key, day)
                }
                ids.append(id)
            }
            try flush()
            try db.execute(sql: """
                DROP TABLE story_key;
                ALTER TABLE story_key_packed RENAME TO story_key;
                """)
        }
        migrator.registerMigration("v28-article-days") { db in
            // #13: an article's day as a day number (`articleDay`, days since 1970-01-01: up to
            // three bytes) where ISO text took ten, in the row and the three indexes that hold it;
            // how it was found as `dateKind` (`DateKind`: NULL, 0 or 1, none of which takes a
            // byte) where 'published' took nine, in the row and two indexes; the published day,
            // always the article's day when one was found, no longer stored again. Outlets and
            // copies are indexed only where set: most articles have neither. A story's span
            // likewise (`firstDay`, `lastDay`). And what is nearly always so is stored as NULL:
            // an article's `encoding` when UTF-8, a file's `ctimeNs` when it equals `mtimeNs`.
            try db.execute(sql: """
                DROP INDEX article_articleDate;
                DROP INDEX \(searchCoverIndex);
                DROP INDEX article_story_members;
                DROP INDEX article_outlet;
                DROP INDEX article_copyOf;
                ALTER TABLE article ADD COLUMN articleDay INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE article ADD COLUMN dateKind INTEGER;
                UPDATE article SET
                    articleDay = coalesce(CAST(julianday(articleDate) - 2440587.5 AS INTEGER), CAST(ingestedAt / 86400 AS INTEGER)),
                    dateKind = CASE dateSource WHEN 'published' THEN \(DateKind.published.rawValue) WHEN 'inferred' THEN \(DateKind.inferred.rawValue) END;
                ALTER TABLE article DROP COLUMN articleDate;
                ALTER TABLE article DROP COLUMN publishedDate;
                ALTER TABLE article DROP COLUMN dateSource;
                \(articleDayIndexesSQL)
                ALTER TABLE story ADD COLUMN firstDay INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE story ADD COLUMN lastDay INTEGER NOT NULL DEFAULT 0;
                UPDATE story SET firstDay = coalesce(CAST(julianday(firstDate) - 2440587.5 AS INTEGER), 0),
                                 lastDay = coalesce(CAST(julianday(lastDate) - 2440587.5 AS INTEGER), 0);
                ALTER TABLE story DROP COLUMN firstDate;
                ALTER TABLE story DROP COLUMN lastDate;
                ALTER TABLE article ADD COLUMN otherEncoding TEXT;
                UPDATE article SET otherEncoding = NULLIF(encoding, '\(utf8)');
                ALTER TABLE article DROP COLUMN encoding;
                ALTER TABLE article RENAME COLUMN otherEncoding TO encoding;
                ALTER TABLE file ADD COLUMN otherCtimeNs INTEGER;
                UPDATE file SET otherCtimeNs = NULLIF(ctimeNs, mtimeNs);
                ALTER TABLE file DROP COLUMN ctimeNs;
                ALTER TABLE file RENAME COLUMN otherCtimeNs TO ctimeNs;
                """)
        }
        migrator.registerMigration("v29-status-failure-tallies") { db in
            // #13: status, and the watchdog's status request every few seconds, counted failed
            // and ignored files row by row (an inbox of a hundred thousand photos: a hundred
            // thousand rows read per call); triggers keep those counts in `tally` too. Failure
            // and container rows are written with an upsert from now on, since the delete that
            // `INSERT OR REPLACE` implies fires no trigger.
            let ignored = ArticleIndex.ignoredCode
            try db.execute(sql: """
                INSERT INTO tally SELECT 'failed', '', (SELECT count(*) FROM failure WHERE code <> '\(ignored)')
                                                      + (SELECT count(*) FROM container WHERE skipped > 0);
                INSERT INTO tally SELECT 'ignored', '', count(*) FROM failure WHERE code = '\(ignored)';
                """)
            func kind(_ row: String) -> String { "iif(\(row).code = '\(ignored)', 'ignored', 'failed')" }
            // name, the event it follows, when (nil: always), and each tally's change: kind, by how much.
            let triggers: [(name: String, event: String, when: String?, changes: [(kind: String, change: String)])] = [
                ("failure_insert", "INSERT ON failure", nil, [(kind("new"), "+ 1")]),
                ("failure_delete", "DELETE ON failure", nil, [(kind("old"), "- 1")]),
                ("failure_code", "UPDATE OF code ON failure", "(old.code = '\(ignored)') <> (new.code = '\(ignored)')",
                 [(kind("old"), "- 1"), (kind("new"), "+ 1")]),
                ("container_insert", "INSERT ON container", "new.skipped > 0", [("'failed'", "+ 1")]),
                ("container_delete", "DELETE ON container", "old.skipped > 0", [("'failed'", "- 1")]),
                ("container_skipped", "UPDATE OF skipped ON container", "(old.skipped > 0) <> (new.skipped > 0)",
                 [("'failed'", "+ iif(new.skipped > 0, 1, -1)")]),
            ]
            for trigger in triggers {
                let updates = trigger.changes.map { "UPDATE tally SET articles = articles \($0.change) WHERE kind = \($0.kind) AND value = '';" }
                try db.execute(sql: """
                    CREATE TRIGGER tally_\(trigger.name) AFTER \(trigger.event) \(trigger.when.map { "WHEN \($0) " } ?? "")BEGIN
                        \(updates.joined(separator: "\n    "))
                    END
                    """)
            }
        }
        migrator.registerMigration("v30-names-without-datelines") { db in
            // #13: a fingerprint's names leave out wire datelines and month abbreviations, and the
            // word after a dateline opens a sentence (`ArticleFingerprint.of`); through "YORK",
            // "Jan", "Shr" and "Qtly" Reuters' earnings and dividend reports chained into one story
            // of 1,888 articles, and every link moving inside it cost placement a walk or a
            // regrouping. Datelines that name a region ("SAN JOSE, Calif., March 3 -") are read
            // too: articles dated by their file alone get their dateline's date. Every fingerprint
            // is made again from its text; if any date or fingerprint changed, every article is
            // placed again, after the next start, as a bulk load's are.
            if try redateFromDatelines(db) + refingerprint(db) > 0 {
                try db.execute(sql: """
                    UPDATE article SET storyId = NULL, copyOf = NULL, copySimilarity = NULL WHERE storyId IS NOT NULL OR copyOf IS NOT NULL;
                    DELETE FROM story;
                    DELETE FROM story_link;
                    DELETE FROM story_key;
                    DELETE FROM story_key_count;
                    """)
            }
        }
        migrator.registerMigration("v31-copies-stored-when-idle") { db in
            // #13: placing an article never rewrites its text. A copy's text is stored as its
            // difference from its group's first when newsd is idle, from the copy-group log
            // (`ArticleIndex.compactText`), as its fingerprint already was; until now setting
            // `copyOf` during placement did it at once, inside placement's transaction.
            try db.execute(sql: "DROP TRIGGER IF EXISTS article_text_stored_as_copy")
        }
        migrator.registerMigration("v32-article-day-changes") { db in
            // #13: a search filtered by dates alone, or in date order, checks each match's day
            // in memory (`ArticleDays`) as it ranks, not through the covering index per match.
            // Every article whose day or date kind changes is logged, and every article
            // removed: its id may be given to the next article added, with another day.
            try db.execute(sql: changeLog("article_day_change") + """
                CREATE TRIGGER article_day_set AFTER UPDATE OF articleDay, dateKind ON article
                WHEN old.articleDay IS NOT new.articleDay OR old.dateKind IS NOT new.dateKind BEGIN
                    INSERT INTO article_day_change(id) VALUES (new.id);
                END;
                CREATE TRIGGER article_day_removed AFTER DELETE ON article BEGIN
                    INSERT INTO article_day_change(id) VALUES (old.id);
                END;
                """)
        }
        migrator.registerMigration("v33-story-changes") { db in
            // #13: a search grouped by story groups its matches as it ranks them, from each
            // article's story held in memory (`StoryMembership`), and orders stories by
            // coverage from each story's outlets held in memory (`StoryOutlets`), not by
            // materialising every ranked match in SQL. Logged: every article placed in another
            // story (or taken out of one), every story added or whose outlet count changes, and
            // every article and story removed, since their ids may be given again (a story
            // added under a removed one's id, below the highest, would otherwise go unseen).
            try db.execute(sql: changeLog("story_membership_change", keeping: storyChangeLogLength)
                + changeLog("story_outlets_change", keeping: storyChangeLogLength) + """
                CREATE TRIGGER story_membership_set AFTER UPDATE OF storyId ON article
                WHEN old.storyId IS NOT new.storyId BEGIN
                    INSERT INTO story_membership_change(id) VALUES (new.id);
                END;
                CREATE TRIGGER story_membership_removed AFTER DELETE ON article BEGIN
                    INSERT INTO story_membership_change(id) VALUES (old.id);
                END;
                CREATE TRIGGER story_outlets_set AFTER UPDATE OF outlets ON story
                WHEN old.outlets IS NOT new.outlets BEGIN
                    INSERT INTO story_outlets_change(id) VALUES (new.id);
                END;
                CREATE TRIGGER story_outlets_removed AFTER DELETE ON story BEGIN
                    INSERT INTO story_outlets_change(id) VALUES (old.id);
                END;
                CREATE TRIGGER story_outlets_added AFTER INSERT ON story BEGIN
                    INSERT INTO story_outlets_change(id) VALUES (new.id);
                END;
                """)
        }
        migrator.registerMigration("v34-arrival-changes") { db in
            // #13: a search in the order articles arrived (`--sort added`) over a full-text
            // query keeps its window as it ranks, from each article's arrival held in memory
            // (`ArrivalTimes`), not by reading and sorting every match's `ingestedAt` in SQL.
            // Logged: every article whose arrival changes (an edited file's article keeps its
            // id and arrives again), and every article removed (its id may be given again).
            try db.execute(sql: changeLog("article_arrival_change") + """
                CREATE TRIGGER article_arrival_set AFTER UPDATE OF ingestedAt ON article
                WHEN old.ingestedAt IS NOT new.ingestedAt BEGIN
                    INSERT INTO article_arrival_change(id) VALUES (new.id);
                END;
                CREATE TRIGGER article_arrival_removed AFTER DELETE ON article BEGIN
                    INSERT INTO article_arrival_change(id) VALUES (old.id);
                END;
                """)
        }
        migrator.registerMigration("v35-unplaced-by-day") { db in
            // #13: placement takes the articles waiting for it by day across transactions, not
            // the first thousands by id (a bulk load's, in folder order, span every day): each
            // story key's row of a day is then written by few transactions instead of by each,
            // and the fingerprints a week's surveys decode serve the rest of it.
            try db.execute(sql: """
                DROP INDEX IF EXISTS article_unplaced;
                CREATE INDEX IF NOT EXISTS article_unplaced_by_day ON article(articleDay, id) WHERE storyId IS NULL;
                """)
        }
        return migrator
    }

    /// Stores an article's fingerprint whole: an upsert, so that the fingerprints stored against
    /// the old one are stored whole first (`copyFingerprintsSQL`'s triggers).
    static let storeFingerprintSQL = """
        INSERT INTO article_fingerprint(id, bytes) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET bytes = excluded.bytes, base = NULL
        """

    /// Dates the articles dated by their file alone whose text opens with a wire dateline
    /// (`ArticleAnalyzer.datelineDate`), as the analyzer dates them now; returns how many.
    static func redateFromDatelines(_ db: Database) throws -> Int {
        let write = try db.makeStatement(sql: "UPDATE article SET articleDay = ?, dateKind = ? WHERE id = ?")
        return try changedInBatches(db, """
            SELECT a.id, a.articleDay, \(TextCodec.inflateFunction)(t.body) FROM article a JOIN article_text t ON t.id = a.id
            WHERE a.dateKind IS NULL AND a.id > ? ORDER BY a.id LIMIT \(refingerprintBatch)
            """) { row in
            guard let date = ArticleAnalyzer.datelineDate(body: row[2], fileDay: CalendarDay(dayNumber: row[1])) else { return false }
            try write.execute(arguments: [date.day.dayNumber, DateKind.stored(date.source), row[0]])
            return true
        }
    }

    /// Makes every article's fingerprint again from its text (`ArticleFingerprint.of`) and
    /// stores those that differ from the stored one, whole; returns how many did.
    static func refingerprint(_ db: Database) throws -> Int {
        let write = try db.makeStatement(sql: storeFingerprintSQL)
        return try changedInBatches(db, """
            SELECT a.id, a.headline, \(TextCodec.inflateFunction)(t.body), f.bytes
            FROM article a JOIN article_text t ON t.id = a.id LEFT JOIN article_fingerprint_whole f ON f.id = a.id
            WHERE a.id > ? ORDER BY a.id LIMIT \(refingerprintBatch)
            """) { row in
            let fingerprint = ArticleFingerprint.of(headline: row[1], body: row[2]).encoded
            guard (row[3] as Data?).map({ [UInt8]($0) }) != fingerprint else { return false }
            try write.execute(arguments: [row[0], Data(fingerprint)])
            return true
        }
    }

    /// Runs `change` on every row `sql` reads (its argument: the last id read; rows by id), a
    /// batch at a time, each batch read whole before any is changed, so that no statement reads
    /// a table it writes. Returns how many `change` said it changed.
    private static func changedInBatches(_ db: Database, _ sql: String, _ change: (Row) throws -> Bool) throws -> Int {
        var changed = 0, after: Int64 = .min
        let read = try db.makeStatement(sql: sql)
        while true {
            let rows = try Row.fetchAll(read, arguments: [after])
            guard let last = rows.last else { return changed }
            after = last[0]
            for row in rows where try change(row) { changed += 1 }
        }
    }

    /// Articles `refingerprint` and `redateFromDatelines` read at a time.
    static let refingerprintBatch = 1000

    /// The indexes of v28 on that hold an article's day and how it was found.
    static let articleDayIndexesSQL = """
        CREATE INDEX article_articleDay ON article(articleDay);
        CREATE INDEX \(searchCoverIndex) ON article(id, copyOf, storyId, articleDay, dateKind, ingestedAt);
        CREATE INDEX article_story_members ON article(storyId, dateKind, articleDay, outlet);
        CREATE INDEX article_outlet ON article(outlet) WHERE outlet IS NOT NULL;
        CREATE INDEX article_copyOf ON article(copyOf) WHERE copyOf IS NOT NULL;
        """

    /// A story's first and last day as ISO text (`firstDate`, `lastDate`), for a story row.
    static let storySpanColumns = "\(isoDay("firstDay")) AS firstDate, \(isoDay("lastDay")) AS lastDate"

    /// The encoding an article's `encoding` column leaves out (v28: NULL).
    static let utf8 = "utf-8"

    /// SQL giving the ISO day (`YYYY-MM-DD`) of the day number in `column` (see v28).
    static func isoDay(_ column: String) -> String {
        "date(\(column) * 86400, 'unixepoch')"
    }

    /// #13: a copy's fingerprint (an article with `copyOf`) is stored as its difference from the
    /// fingerprint of the article it copies, when that is smaller (`FingerprintCodec`); `base`
    /// names that article, and `article_fingerprint_whole` reads every fingerprint whole. Done
    /// while newsd is idle, from the copy-group log (`ArticleIndex.compactText`), with the copies'
    /// texts. A fingerprint others are stored against is never itself a difference; before it
    /// changes or goes, the ones stored against it are stored whole again. Rows are written with
    /// an upsert, never `INSERT OR REPLACE`, whose implied delete fires no trigger.
    static let copyFingerprintsSQL = """
        ALTER TABLE article_fingerprint ADD COLUMN base INTEGER;
        CREATE INDEX article_fingerprint_base ON article_fingerprint(base) WHERE base IS NOT NULL;
        CREATE TRIGGER article_fingerprint_base_rewritten BEFORE UPDATE OF bytes ON article_fingerprint
        WHEN EXISTS (SELECT 1 FROM article_fingerprint WHERE base = old.id) BEGIN
            UPDATE article_fingerprint SET bytes = \(FingerprintCodec.wholeFunction)(bytes, old.bytes), base = NULL WHERE base = old.id;
        END;
        CREATE TRIGGER article_fingerprint_base_removed BEFORE DELETE ON article_fingerprint
        WHEN EXISTS (SELECT 1 FROM article_fingerprint WHERE base = old.id) BEGIN
            UPDATE article_fingerprint SET bytes = \(FingerprintCodec.wholeFunction)(bytes, old.bytes), base = NULL WHERE base = old.id;
        END;
        CREATE VIEW article_fingerprint_whole(id, bytes) AS
            SELECT f.id, iif(f.base IS NULL, f.bytes,
                             \(FingerprintCodec.wholeFunction)(f.bytes, (SELECT b.bytes FROM article_fingerprint b WHERE b.id = f.base)))
            FROM article_fingerprint f;
        """

    /// Stores the fingerprint of `:copy` as its difference from that of `:first`, when that one
    /// is whole, `:copy`'s is whole and no other's base, and the difference is smaller: the
    /// bytes, counting what they save in `copy_text_cursor.freedBytes` (as `storeAsCopySQL`
    /// does), then the `base` they name — the last statement, whose change count says whether
    /// the fingerprint was stored as a difference. Statements of their own, as `storeWholeStatements`.
    static let storeFingerprintAsCopyStatements = [
        "UPDATE copy_text_cursor SET freedBytes = freedBytes + coalesce((SELECT length(bytes) FROM article_fingerprint WHERE id = :copy), 0)",
        """
        UPDATE article_fingerprint
        SET bytes = \(FingerprintCodec.copyFunction)(bytes, (SELECT b.bytes FROM article_fingerprint b WHERE b.id = :first AND b.base IS NULL))
        WHERE id = :copy AND base IS NULL AND NOT EXISTS (SELECT 1 FROM article_fingerprint d WHERE d.base = :copy)
        """,
        "UPDATE copy_text_cursor SET freedBytes = freedBytes - coalesce((SELECT length(bytes) FROM article_fingerprint WHERE id = :copy), 0)",
        """
        UPDATE article_fingerprint SET base = :first
        WHERE id = :copy AND base IS NULL AND \(FingerprintCodec.isDifferenceFunction)(bytes)
        """,
    ]

    /// #13: a copy's text (an article with `copyOf`) is stored as its difference from the text of
    /// the article it copies, when that is smaller (`TextCompression.compressAsCopy`); `base`
    /// names that article. Done when newsd is idle, from the copy-group log after
    /// `copy_text_cursor` (`ArticleIndex.compactText`); until v31 a trigger did it as soon as
    /// `copyOf` was set, so that placing an article rewrote its text. A text a
    /// copy is stored against is never itself a difference (a text others depend on is never
    /// made one), so a copy reads in one step. Before the text of a base changes or goes,
    /// the texts stored against it are stored whole again; a text rewritten with a new dictionary
    /// reads the same, so its copies stay as they are. Text rows are written with an upsert, never
    /// `INSERT OR REPLACE`, whose implied delete fires no trigger.
    static let copyTextsSQL = """
        ALTER TABLE article_text ADD COLUMN base INTEGER;
        CREATE INDEX article_text_base ON article_text(base) WHERE base IS NOT NULL;
        CREATE TRIGGER article_text_base_rewritten BEFORE UPDATE OF body ON article_text
        WHEN EXISTS (SELECT 1 FROM article_text WHERE base = old.id)
             AND \(TextCodec.inflateFunction)(old.body) IS NOT \(TextCodec.inflateFunction)(new.body) BEGIN
            UPDATE article_text SET body = \(TextCodec.wholeFunction)(body), base = NULL WHERE base = old.id;
        END;
        CREATE TRIGGER article_text_base_removed BEFORE DELETE ON article_text
        WHEN EXISTS (SELECT 1 FROM article_text WHERE base = old.id) BEGIN
            UPDATE article_text SET body = \(TextCodec.wholeFunction)(body), base = NULL WHERE base = old.id;
        END;
        CREATE TRIGGER article_text_stored_as_copy AFTER UPDATE OF copyOf ON article
        WHEN new.copyOf IS NOT NULL AND new.copyOf IS NOT old.copyOf BEGIN
            \(storeAsCopySQL(article: "new.id", of: "new.copyOf"))
        END;
        CREATE TABLE copy_text_cursor (seq INTEGER NOT NULL, freedBytes INTEGER NOT NULL DEFAULT 0);
        INSERT INTO copy_text_cursor(seq) SELECT coalesce(max(seq), 0) FROM copy_group_change;
        """

    /// What copies store as differences: their texts (`copyTextsSQL`) and their fingerprints
    /// (`copyFingerprintsSQL`), each in a table whose `base` names the row a difference is from.
    enum StoredDifference {
        case text, fingerprint

        var table: String { self == .text ? "article_text" : "article_fingerprint" }
        var column: String { self == .text ? "body" : "bytes" }
        /// The SQL that gives the row being updated whole (its base read as the function needs it).
        var wholeExpression: String {
            switch self {
            case .text: "\(TextCodec.wholeFunction)(body)"
            case .fingerprint:
                "\(FingerprintCodec.wholeFunction)(bytes, (SELECT b.bytes FROM article_fingerprint b WHERE b.id = article_fingerprint.base))"
            }
        }
    }

    /// Stores the text or fingerprint (`stored`) of `:first`, the first of a copy group, whole
    /// again when it is a difference (from when another article was the group's first) and
    /// `:copy`, one of its copies, could be stored against it: whole and no other's base. Groups
    /// regroup as articles arrive, and without this a copy placed before its group's first
    /// stayed whole for good. The bytes it costs are taken off `copy_text_cursor.freedBytes`.
    /// Statements of their own, to be prepared once and run for each copy.
    static func storeWholeStatements(_ stored: StoredDifference) -> [String] {
        let (table, column) = (stored.table, stored.column)
        return [
            "UPDATE copy_text_cursor SET freedBytes = freedBytes + coalesce((SELECT length(\(column)) FROM \(table) WHERE id = :first), 0)",
            """
            UPDATE \(table) SET \(column) = \(stored.wholeExpression), base = NULL
            WHERE id = :first AND base IS NOT NULL AND (SELECT copyOf FROM article WHERE id = :first) IS NULL
              AND EXISTS (SELECT 1 FROM \(table) c WHERE c.id = :copy AND c.base IS NULL)
              AND NOT EXISTS (SELECT 1 FROM \(table) d WHERE d.base = :copy)
            """,
            "UPDATE copy_text_cursor SET freedBytes = freedBytes - coalesce((SELECT length(\(column)) FROM \(table) WHERE id = :first), 0)",
        ]
    }

    /// Stores the text of `article` as its difference from the text of `of` (SQL expressions),
    /// when that text is stored whole, `article`'s text is no other's base and is stored whole,
    /// and the difference is smaller: the text, then the `base` it names; the bytes it saves are
    /// added to `copy_text_cursor.freedBytes` (rows shrunk in place leave their pages part empty
    /// until the file is rewritten: see `ArticleIndex.compactText`).
    static func storeAsCopySQL(article: String, of base: String) -> String {
        """
        UPDATE copy_text_cursor SET freedBytes = freedBytes + coalesce((SELECT length(body) FROM article_text WHERE id = \(article)), 0);
        UPDATE article_text
        SET body = \(TextCodec.copyFunction)(body, \(base), (SELECT b.body FROM article_text b WHERE b.id = \(base) AND b.base IS NULL))
        WHERE id = \(article) AND base IS NULL AND NOT EXISTS (SELECT 1 FROM article_text d WHERE d.base = \(article));
        UPDATE article_text SET base = \(base)
        WHERE id = \(article) AND base IS NULL AND \(TextCodec.baseFunction)(body) = \(base);
        UPDATE copy_text_cursor SET freedBytes = freedBytes - coalesce((SELECT length(body) FROM article_text WHERE id = \(article)), 0);
        """
    }

    /// The migrations after which the file holds free pages worth a `VACUUM`: v9 moved the text
    /// out of the article rows, v22 wrote the full-text index again, v23 shrank every fingerprint,
    /// v24 every content hash, v25 most story keys, v26 copies' fingerprints, v27 packed the story
    /// keys and v28 the article rows' days.
    static let compactingMigrations: Set<String> = [
        "v9-compressed-text-compact-fingerprints", "v22-body-first-fulltext", "v23-fingerprints-rice-coded", "v24-content-hash-bytes",
        "v25-undated-story-keys-filed-at-zero", "v26-copies-fingerprints-as-differences", "v27-story-keys-packed-per-day",
        "v28-article-days",
    ]

    /// The full-text index of v22 on: v9's with the body as its first column, whose terms FTS5
    /// stores without a column number (see the migration). Column numbers follow this order:
    /// `MatchPositions.bodyColumn`, `ArticleIndex.bm25Weights`.
    static func createBodyFirstFullTextIndex(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE article_fts USING fts5(
                body, headline, outlet, byline,
                content='article_content', content_rowid='id',
                tokenize='\(LanguageTokenizer.name)'
            );
            """)
    }

    /// The full-text index of v9 on: as v8's, but its content is the view `article_content`, which
    /// inflates the stored text (its first 256 KiB: the content is read for snippets only). New rows are added, and changed ones removed first, by
    /// `PendingFullText`; the trigger removes an article's entry (and its text and fingerprint)
    /// when the article goes.
    static func createCompressedFullTextIndex(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIEW article_content(id, headline, body, outlet, byline) AS
                SELECT a.id, a.headline, \(TextCodec.snippetFunction)(t.body), a.outlet, a.byline
                FROM article a JOIN article_text t ON t.id = a.id;
            CREATE VIRTUAL TABLE article_fts USING fts5(
                headline, body, outlet, byline,
                content='article_content', content_rowid='id',
                tokenize='\(LanguageTokenizer.name)'
            );
            """)
        try createFullTextDeleteTrigger(db, logging: false)
    }

    /// The trigger that removes an article's full-text entry, text and fingerprint when the
    /// article goes; from v16 on (`logging`) it also logs the removal (see `DocumentLengths`).
    static func createFullTextDeleteTrigger(_ db: Database, logging: Bool) throws {
        let body = "\(TextCodec.inflateFunction)((SELECT body FROM article_text WHERE id = old.id))"
        try db.execute(sql: """
            CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
                INSERT INTO article_fts(article_fts, rowid, headline, body, outlet, byline)
                VALUES ('delete', old.id, \(LanguageTokenizer.markedExpression(language: "old.language", value: "old.headline")),
                        \(LanguageTokenizer.markedExpression(language: "old.language", value: body)), old.outlet, old.byline);
                DELETE FROM article_text WHERE id = old.id;
                DELETE FROM article_fingerprint WHERE id = old.id;
                \(logging ? "INSERT INTO fulltext_removal(id) VALUES (old.id);" : "")
            END;
            """)
    }

    /// Logs the removal of an article's row from the full-text index (`?`: its id).
    static let logFullTextRemoval = "INSERT INTO fulltext_removal(id) VALUES (?)"

    /// Entries a change log keeps: a table of `SnapshotValues` that many changes behind reads
    /// every row again.
    static let changeLogLength = 100_000

    /// A log of the articles whose value in a `SnapshotValues` table changed, in the order of
    /// the changes (`seq` never reused), that drops its oldest entries as it grows.
    /// `keeping`: the entries kept, trimmed every tenth of that many.
    static func changeLog(_ name: String, keeping: Int = changeLogLength) -> String {
        """
        CREATE TABLE \(name) (seq INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL);
        CREATE TRIGGER \(name)_trim AFTER INSERT ON \(name) WHEN new.seq % \(keeping / 10) = 0 BEGIN
            DELETE FROM \(name) WHERE seq <= new.seq - \(keeping);
        END;

        """
    }

    /// Entries the story logs keep: placing a bulk load moves every article into a story once
    /// or more, and adds a story for most, so their logs would hold an entry per article; a
    /// table further behind is read again whole (one pass over the covering index) rather than
    /// the index keeping that room.
    static let storyChangeLogLength = 2_000

    /// The covering index searches join matches through (see `SearchFilter`).
    static let searchCoverIndex = "article_search_cover"

    /// The full-text index of v8 on: the `newsd` tokenizer, headline and body marked with the
    /// article's language in the index (never in the content they are read back from). New rows
    /// are added by `PendingFullText`; the triggers remove and replace what the index holds when
    /// an article goes or changes, its language included.
    static func createLanguageFullTextIndex(_ db: Database) throws {
        func marked(_ row: String) -> String {
            "\(LanguageTokenizer.markedSQL(row, "headline")), \(LanguageTokenizer.markedSQL(row, "body")), \(row).outlet, \(row).byline"
        }
        try db.execute(sql: """
            CREATE VIRTUAL TABLE article_fts USING fts5(
                headline, body, outlet, byline,
                content='article', content_rowid='id',
                tokenize='\(LanguageTokenizer.name)'
            );
            CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
                INSERT INTO article_fts(article_fts, rowid, headline, body, outlet, byline)
                VALUES ('delete', old.id, \(marked("old")));
            END;
            CREATE TRIGGER article_fts_update AFTER UPDATE OF headline, body, outlet, byline, language ON article BEGIN
                INSERT INTO article_fts(article_fts, rowid, headline, body, outlet, byline)
                VALUES ('delete', old.id, \(marked("old")));
                INSERT INTO article_fts(rowid, headline, body, outlet, byline)
                VALUES (new.id, \(marked("new")));
            END;
            """)
    }

    /// The full-text index over headline, body, outlet and byline (v2 to v7). External content: the text
    /// is stored once, in `article`, and snippets read it from there.
    static func createFullTextIndex(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE article_fts USING fts5(
                headline, body, outlet, byline,
                content='article', content_rowid='id',
                tokenize='porter unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN
                INSERT INTO article_fts(rowid, headline, body, outlet, byline)
                VALUES (new.id, new.headline, new.body, new.outlet, new.byline);
            END;
            CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN
                INSERT INTO article_fts(article_fts, rowid, headline, body, outlet, byline)
                VALUES ('delete', old.id, old.headline, old.body, old.outlet, old.byline);
            END;
            CREATE TRIGGER article_fts_update AFTER UPDATE OF headline, body, outlet, byline ON article BEGIN
                INSERT INTO article_fts(article_fts, rowid, headline, body, outlet, byline)
                VALUES ('delete', old.id, old.headline, old.body, old.outlet, old.byline);
                INSERT INTO article_fts(rowid, headline, body, outlet, byline)
                VALUES (new.id, new.headline, new.body, new.outlet, new.byline);
            END;
            """)
    }
}
