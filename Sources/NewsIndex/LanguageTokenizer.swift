import GRDB
import GRDBSQLite
import NewsText

/// The FTS5 tokenizer `newsd`: SQLite's unicode61 (case and diacritics folded) with `ё`→`е` and
/// `ß`→`ss`, then the Snowball stemmer of the article's language.
///
/// FTS5 hands a tokenizer only text, so the language travels in the text: a value that starts with
/// U+E000 (a private-use character no article writes), the language code and a space is stemmed
/// in that language, and the marker makes no token. Unmarked text (an unknown language, and the
/// content snippets are made from) is stemmed as English; stemming never adds or drops a token,
/// so positions, and the highlights snippets place by them, are the same either way. A query is
/// stemmed in every language newsd stems, the stems given to FTS5 as synonyms of one another;
/// a prefix query is folded, not stemmed.
final class LanguageTokenizer: FTS5CustomTokenizer {
    static let name = "newsd"
    /// The marker's first bytes: U+E000 in UTF-8.
    static let marker: [UInt8] = [0xEE, 0x80, 0x80]

    /// `text` marked with its language for the full-text index (nil: unmarked).
    static func marked(_ text: String, language: String?) -> String {
        guard let language, Stemmer.algorithms[language] != nil else { return text }
        return "\u{E000}\(language) \(text)"
    }

    /// The SQL expression that marks column `column` of row `row` (`new`/`old`) with its language,
    /// for the triggers that keep the index in step with the content.
    static func markedSQL(_ row: String, _ column: String) -> String {
        markedExpression(language: "\(row).language", value: "\(row).\(column)")
    }

    /// `markedSQL` for any SQL expressions giving the language and the text.
    static func markedExpression(language: String, value: String) -> String {
        "CASE WHEN \(language) IN (\(Stemmer.languages.map { "'\($0)'" }.joined(separator: ", "))) "
            + "THEN char(57344) || \(language) || ' ' || \(value) ELSE \(value) END"
    }

    /// The unicode61 tokenizer this one wraps, as configured here: its tokens are this one's
    /// before folding and stemming, at the same positions and byte ranges.
    static let folding = FTS5TokenizerDescriptor(components: ["unicode61", "remove_diacritics", "2"])

    private let wrapped: any FTS5Tokenizer
    private var stemmers: [String: Stemmer] = [:]
    private lazy var queryStemmers: [Stemmer] = Stemmer.languages.compactMap { stemmer(for: $0) }

    init(db: Database, arguments: [String]) throws {
        wrapped = try db.makeTokenizer(Self.folding)
    }

    /// The bytes the language marker takes at the start of `text` (with its code and the space
    /// after it), 0 when the text is unmarked.
    static func markerLength(_ text: UnsafeBufferPointer<UInt8>) -> Int {
        guard text.starts(with: marker), let space = text[3...].prefix(12).firstIndex(of: 0x20) else { return 0 }
        return space + 1
    }

    private func stemmer(for language: String) -> Stemmer? {
        if let stemmer = stemmers[language] { return stemmer }
        let stemmer = Stemmer(language: language)
        stemmers[language] = stemmer
        return stemmer
    }

    func tokenize(context: UnsafeMutableRawPointer?, tokenization: FTS5Tokenization, pText: UnsafePointer<CChar>?,
                  nText: CInt, tokenCallback: @escaping FTS5TokenCallback) -> CInt {
        guard let pText, nText > 0 else { return SQLITE_OK }
        let text = UnsafeBufferPointer(start: UnsafeRawPointer(pText).assumingMemoryBound(to: UInt8.self), count: Int(nText))
        let skip = Self.markerLength(text)
        let language = skip == 0 ? "en" : String(decoding: text[3..<(skip - 1)], as: UTF8.self)
        let isQuery = tokenization.contains(.query)
        // Snippets and highlights (`.aux`) place marks by token position alone and never read a
        // token's text, so their tokens are not stemmed: the positions are the same either way.
        let stemmers = isQuery ? (tokenization.contains(.prefix) ? [] : queryStemmers)
            : tokenization.contains(.aux) ? [] : (stemmer(for: language).map { [$0] } ?? [])
        let state = TokenizeState(context: context, callback: tokenCallback, offset: CInt(skip), stemmers: stemmers, synonyms: isQuery)
        return withExtendedLifetime(state) {
            wrapped.tokenize(context: Unmanaged.passUnretained(state).toOpaque(), tokenization: tokenization,
                             pText: pText + skip, nText: nText - CInt(skip)) { context, flags, pToken, nToken, iStart, iEnd in
                let state = Unmanaged<TokenizeState>.fromOpaque(context!).takeUnretainedValue()
                return state.accept(flags: flags, pToken: pToken, nToken: nToken, iStart: iStart, iEnd: iEnd)
            }
        }
    }
}

/// One tokenize call's state, reached from unicode61's C callback.
private final class TokenizeState {
    let context: UnsafeMutableRawPointer?
    let callback: FTS5TokenCallback
    let offset: CInt
    let stemmers: [Stemmer]
    /// Query: the folded word and each language's stem, as synonyms. Document: the one stem.
    let synonyms: Bool
    private var folded: [UInt8] = []
    private var sent: [[UInt8]] = []

    init(context: UnsafeMutableRawPointer?, callback: @escaping FTS5TokenCallback, offset: CInt, stemmers: [Stemmer], synonyms: Bool) {
        self.context = context
        self.callback = callback
        self.offset = offset
        self.stemmers = stemmers
        self.synonyms = synonyms
    }

    func accept(flags: CInt, pToken: UnsafePointer<CChar>?, nToken: CInt, iStart: CInt, iEnd: CInt) -> CInt {
        guard let pToken, nToken > 0 else { return SQLITE_OK }
        let token = UnsafeBufferPointer(start: UnsafeRawPointer(pToken).assumingMemoryBound(to: UInt8.self), count: Int(nToken))
        let start = iStart + offset, end = iEnd + offset
        // Most tokens hold nothing to fold: they go to the stemmer as unicode61 gave them.
        guard token.contains(where: { $0 == 0xD1 || $0 == 0xC3 }) else { return accept(word: token, flags: flags, start: start, end: end) }
        fold(token)
        return folded.withUnsafeBufferPointer { accept(word: $0, flags: flags, start: start, end: end) }
    }

    private func accept(word: UnsafeBufferPointer<UInt8>, flags: CInt, start: CInt, end: CInt) -> CInt {
        guard synonyms else {
            guard let stemmer = stemmers.first else { return send(word, flags, start, end) }
            return stemmer.stem(word) { send($0, flags, start, end) }
        }
        sent.removeAll(keepingCapacity: true)
        var rc = send(word, flags, start, end)
        sent.append(Array(word))
        for stemmer in stemmers where rc == SQLITE_OK {
            rc = stemmer.stem(word) { stem in
                guard !sent.contains(where: { $0.elementsEqual(stem) }) else { return SQLITE_OK }
                sent.append(Array(stem))
                return send(stem, flags | FTS5_TOKEN_COLOCATED, start, end)
            }
        }
        return rc
    }

    private func send(_ bytes: UnsafeBufferPointer<UInt8>, _ flags: CInt, _ start: CInt, _ end: CInt) -> CInt {
        bytes.withMemoryRebound(to: CChar.self) { callback(context, flags, $0.baseAddress, CInt($0.count), start, end) }
    }

    /// `ё`→`е` (D1 91 → D0 B5) and `ß`→`ss` (C3 9F), on the bytes unicode61 gave.
    private func fold(_ token: UnsafeBufferPointer<UInt8>) {
        folded.removeAll(keepingCapacity: true)
        var index = 0
        while index < token.count {
            let byte = token[index]
            if byte == 0xD1, index + 1 < token.count, token[index + 1] == 0x91 {
                folded.append(0xD0); folded.append(0xB5); index += 2; continue
            }
            if byte == 0xC3, index + 1 < token.count, token[index + 1] == 0x9F {
                folded.append(0x73); folded.append(0x73); index += 2; continue
            }
            folded.append(byte)
            index += 1
        }
    }
}
