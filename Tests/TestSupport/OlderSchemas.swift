/// SQL that takes an index back to an older schema, for tests of upgrades: written out as the
/// sqlite3 CLI can run it too (no newsd functions), and shared by the tests that step back.
public enum OlderSchemas {
    /// Days as ISO text and date sources as words again, as before v28, with the indexes that
    /// held them (and placement's queue by id, as before v35); stories' spans as text; every
    /// encoding and status-change time written out. Dropping a column checks the table's
    /// triggers, which needs newsd's tokenizer for the one naming the full-text index: the CLI
    /// drops that trigger first.
    public static let articleDaysAsText = """
        DROP INDEX article_unplaced_by_day;
        CREATE INDEX article_unplaced ON article(id) WHERE storyId IS NULL;
        DROP INDEX article_articleDay;
        DROP INDEX article_search_cover;
        DROP INDEX article_story_members;
        DROP INDEX article_outlet;
        DROP INDEX article_copyOf;
        ALTER TABLE article ADD COLUMN publishedDate TEXT;
        ALTER TABLE article ADD COLUMN articleDate TEXT NOT NULL DEFAULT '';
        ALTER TABLE article ADD COLUMN dateSource TEXT;
        UPDATE article SET articleDate = date(articleDay * 86400, 'unixepoch'),
            publishedDate = iif(dateKind IS NULL, NULL, date(articleDay * 86400, 'unixepoch')),
            dateSource = CASE dateKind WHEN 0 THEN 'published' WHEN 1 THEN 'inferred' END;
        ALTER TABLE article DROP COLUMN articleDay;
        ALTER TABLE article DROP COLUMN dateKind;
        CREATE INDEX article_articleDate ON article(articleDate);
        CREATE INDEX article_search_cover ON article(id, copyOf, storyId, articleDate, dateSource, ingestedAt);
        CREATE INDEX article_story_members ON article(storyId, dateSource, articleDate, outlet);
        CREATE INDEX article_outlet ON article(outlet);
        CREATE INDEX article_copyOf ON article(copyOf);
        ALTER TABLE story ADD COLUMN firstDate TEXT NOT NULL DEFAULT '';
        ALTER TABLE story ADD COLUMN lastDate TEXT NOT NULL DEFAULT '';
        UPDATE story SET firstDate = date(firstDay * 86400, 'unixepoch'), lastDate = date(lastDay * 86400, 'unixepoch');
        ALTER TABLE story DROP COLUMN firstDay;
        ALTER TABLE story DROP COLUMN lastDay;
        ALTER TABLE article ADD COLUMN encodingText TEXT NOT NULL DEFAULT '';
        UPDATE article SET encodingText = coalesce(encoding, 'utf-8');
        ALTER TABLE article DROP COLUMN encoding;
        ALTER TABLE article RENAME COLUMN encodingText TO encoding;
        ALTER TABLE file ADD COLUMN ctimeWhole INTEGER NOT NULL DEFAULT -1;
        UPDATE file SET ctimeWhole = coalesce(ctimeNs, mtimeNs);
        ALTER TABLE file DROP COLUMN ctimeNs;
        ALTER TABLE file RENAME COLUMN ctimeWhole TO ctimeNs;
        """
}
