import GRDB

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
        return migrator
    }
}
