/// SQL that takes an index back to an older schema, for tests of upgrades: written out as the
/// sqlite3 CLI can run it too (no newsd functions), and shared by the tests that step back.
public enum OlderSchemas {
    /// Days as ISO text and date sources as words again, as before v28, with the indexes that
    /// held them. Dropping a column checks the table's triggers, which needs newsd's tokenizer
    /// for the one naming the full-text index: the CLI drops that trigger first.
    public static let articleDaysAsText = """
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
        """
}
