import NewsCore
import NewsFormats
import NewsIndex
import NewsSystem

/// Turns the state of one inbox entry on disk into the change the index needs.
/// Reads and parses outside the write transaction, so the single writer holds its lock only briefly.
struct ChangeReader: Sendable {
    let inbox: String
    let policy: InboxNamePolicy
    let maxFileBytes: Int64
    var pdf = PDFConverter()

    /// What looking at one entry gave.
    enum Reading: Sendable, Equatable {
        /// Something for the index to write.
        case change(IndexChange)
        /// It could not be looked at for a reason that says nothing about the file (out of
        /// descriptors or memory): try again later, and record nothing.
        case retry(path: String, FileReadError)
    }

    /// The reading of `name`, or nil when there is nothing to do (ignored names, folders, an
    /// entry below a folder that cannot be read now, or a stamp equal to `known`, the one
    /// recorded in the index). With `reread`, a regular file is read even when its stamp is
    /// unchanged: after a close-after-write event the content may differ within one mtime tick.
    func change(for name: String, known: FileStamp?, reread: Bool = false) -> Reading? {
        // Hidden and temporary names are never looked at.
        let fileName = name.split(separator: "/").last.map(String.init) ?? name
        if policy.isIgnored(fileName) { return known == nil ? nil : .change(.remove(path: name)) }
        switch ArticleFileReader.kind(of: name, in: inbox) {
        case .missing:
            return known == nil ? nil : .change(.remove(path: name))
        case .directory:
            return nil
        case .symlink:
            return failure(name, known: known, code: "symlink",
                           reason: "a symbolic link; newsd never follows links (copy the file into the inbox instead)")
        case .other(let what):
            return failure(name, known: known, code: "not-regular", reason: "\(what); newsd reads only regular files")
        case .unreachable(let error):
            // A folder on the way cannot be read: what the index holds below it stays, and the
            // folder itself is recorded when it is scanned.
            return error.isTransient ? .retry(path: name, error) : nil
        case .regular(let size, let inode, let mtimeNs, let ctimeNs):
            let stamp = FileStamp(inode: inode, size: size, mtimeNs: mtimeNs, ctimeNs: ctimeNs)
            // Files of other formats (a .docx, a photo) are recorded as ignored, with why, so
            // that nothing is silent; a file renamed to such a name leaves the index.
            if !policy.isArticle(fileName) {
                if known == stamp && !reread { return nil }
                return .change(.failed(path: name, stamp: stamp, code: ArticleIndex.ignoredCode, reason: policy.ignoredReason(fileName)))
            }
            if known == stamp && !reread { return nil }
            return read(name: name)
        }
    }

    private func failure(_ name: String, known: FileStamp?, code: String, reason: String) -> Reading? {
        let stamp = FileStamp(inode: 0, size: 0, mtimeNs: 0)
        if known == stamp { return nil }
        return .change(.failed(path: name, stamp: stamp, code: code, reason: reason))
    }

    private func read(name: String) -> Reading {
        let file: ArticleFileReader.Contents
        do {
            file = try ArticleFileReader.read(name, in: inbox, maxBytes: maxFileBytes)
        } catch {
            if error.code == "missing" { return .change(.remove(path: name)) }
            if error.isTransient { return .retry(path: name, error) }
            var info = FileStamp(inode: 0, size: 0, mtimeNs: 0)
            if case .regular(let size, let inode, let mtimeNs, let ctimeNs) = ArticleFileReader.kind(of: name, in: inbox) {
                info = FileStamp(inode: inode, size: size, mtimeNs: mtimeNs, ctimeNs: ctimeNs)
            }
            return .change(.failed(path: name, stamp: info, code: error.code, reason: error.description))
        }
        let stamp = FileStamp(inode: file.inode, size: file.size, mtimeNs: file.mtimeNs, ctimeNs: file.ctimeNs)
        let fileName = name.split(separator: "/").last.map(String.init) ?? name
        let format = ArticleFormat(fileName: fileName) ?? .text
        let reading = format == .pdf
            ? pdf.text(of: file.bytes).flatMap(ArticleFormats.readConverted(pdfText:))
            : ArticleFormats.read(file.bytes, format: format)
        let fileDay = CalendarDay(unixSeconds: FileTime.seconds(nanoseconds: file.mtimeNs))
        let fileTime = Double(file.mtimeNs) / 1e9
        switch reading {
        case .success(let found):
            let articles = found.articles.map { member in
                (member.key, Self.indexable(ArticleAnalyzer.analyze(member.article, fileDay: fileDay),
                                            fileDay: fileDay, fileTime: fileTime))
            }
            if format.holdsSeveral, articles.count != 1 || articles[0].0 != nil {
                return .change(.upsertMembers(path: name, stamp: stamp, members: articles.map {
                    IndexChange.Member(key: $0.0 ?? "1", article: $0.1)
                }, skipped: found.skippedCount,
                   skippedReasons: found.skipped.isEmpty ? nil : found.skipped.prefix(3).map { "entry \($0.key): \($0.reason)" }.joined(separator: "; ")))
            }
            return .change(.upsert(path: name, stamp: stamp, article: articles[0].1))
        case .failure(let rejection):
            return .change(.failed(path: name, stamp: stamp, code: rejection.code, reason: rejection.description))
        }
    }

    static func indexable(_ article: AnalyzedArticle, fileDay: CalendarDay, fileTime: Double) -> IndexableArticle {
        IndexableArticle(
            contentHash: article.contentHash, headline: article.headline, body: article.body,
            encoding: article.encoding.rawValue, wordCount: article.wordCount, outlet: article.outlet,
            byline: article.byline, publishedDate: article.date?.day.iso, dateSource: article.date?.source,
            url: article.url, language: article.language, fileDate: fileDay.iso, fileTime: fileTime)
    }
}
