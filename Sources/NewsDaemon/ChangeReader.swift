import NewsCore
import NewsIndex
import NewsSystem

/// Turns the state of one inbox entry on disk into the change the index needs.
/// Reads and parses outside the write transaction, so the single writer holds its lock only briefly.
struct ChangeReader: Sendable {
    let inbox: String
    let policy: InboxNamePolicy
    let maxFileBytes: Int64

    /// The change for `name`, or nil when there is nothing to do (ignored names, folders,
    /// or a stamp equal to `known`, the one recorded in the index). With `reread`, a regular
    /// file is read even when its stamp is unchanged: after a close-after-write event the
    /// content may differ within one mtime tick.
    func change(for name: String, known: FileStamp?, reread: Bool = false) -> IndexChange? {
        // Hidden and temporary names are never looked at.
        let fileName = name.split(separator: "/").last.map(String.init) ?? name
        if policy.isIgnored(fileName) { return known == nil ? nil : .remove(path: name) }
        let path = inbox + "/" + name
        switch ArticleFileReader.kind(of: path) {
        case .missing:
            return known == nil ? nil : .remove(path: name)
        case .directory:
            return nil
        case .other(let what):
            let stamp = FileStamp(inode: 0, size: 0, mtimeNs: 0)
            if known == stamp { return nil }
            return .failed(path: name, stamp: stamp, code: "not-regular",
                           reason: "\(what); newsd reads only regular files and never follows links")
        case .regular(let size, let inode, let mtimeNs):
            // Regular files that are not articles (a README, a photo) are left alone;
            // a file renamed away from .txt leaves the index like a deleted one.
            if !policy.isArticle(fileName) { return known == nil ? nil : .remove(path: name) }
            let stamp = FileStamp(inode: inode, size: size, mtimeNs: mtimeNs)
            if known == stamp && !reread { return nil }
            return read(name: name, path: path)
        }
    }

    private func read(name: String, path: String) -> IndexChange {
        let file: (bytes: [UInt8], size: Int64, inode: UInt64, mtimeNs: Int64)
        do {
            file = try ArticleFileReader.read(path: path, maxBytes: maxFileBytes)
        } catch {
            if error.code == "missing" { return .remove(path: name) }
            var info = FileStamp(inode: 0, size: 0, mtimeNs: 0)
            if case .regular(let size, let inode, let mtimeNs) = ArticleFileReader.kind(of: path) {
                info = FileStamp(inode: inode, size: size, mtimeNs: mtimeNs)
            }
            return .failed(path: name, stamp: info, code: error.code, reason: error.description)
        }
        let stamp = FileStamp(inode: file.inode, size: file.size, mtimeNs: file.mtimeNs)
        switch ArticleParser.parse(file.bytes) {
        case .success(let parsed):
            let fileDay = CalendarDay(unixSeconds: FileTime.seconds(nanoseconds: file.mtimeNs))
            let article = ArticleAnalyzer.analyze(parsed, fileDay: fileDay)
            return .upsert(path: name, stamp: stamp, article: IndexableArticle(
                contentHash: article.contentHash, headline: article.headline, body: article.body,
                encoding: article.encoding.rawValue, wordCount: article.wordCount, outlet: article.outlet,
                byline: article.byline, publishedDate: article.published?.iso, fileDate: fileDay.iso,
                fileTime: Double(file.mtimeNs) / 1e9))
        case .failure(let rejection):
            return .failed(path: name, stamp: stamp, code: rejection.code, reason: rejection.description)
        }
    }
}
