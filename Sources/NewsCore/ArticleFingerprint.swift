#if canImport(Glibc)
import Glibc
#endif

/// What newsd compares articles by: a term vector, the names they mention, and a MinHash
/// signature of their word shingles. Pure, computed once when a file is read and stored
/// (`encoded`) with the article.
public struct ArticleFingerprint: Sendable, Equatable {
    /// Content words (stop words dropped, plurals folded), hashed to 20 bits, ascending.
    /// Sorted arrays rather than dictionaries: placement decodes and compares thousands of
    /// stored fingerprints a second, and a merge of two sorted lists needs no hashing.
    public let termHashes: [UInt32]
    /// How often the text uses each term of `termHashes` (1 to `maximumCount`).
    public let termCounts: [UInt8]
    /// Each term's weight 1 + ln(tf), the vector of unit length.
    public let termWeights: [Double]
    /// Capitalised words of the body, hashed to 24 bits, ascending and distinct: people, places,
    /// organisations. Not a wire dateline's, nor month names, nor a sentence's first word unless
    /// a capitalised word follows it (see `of`).
    public let names: [UInt32]
    /// The same names, most mentioned first (ties by text).
    public let strongestNames: [UInt32]
    /// MinHash of 4-word shingles, 8 bits per slot (b-bit MinHash): the share of equal slots,
    /// less what chance gives, estimates the shingle Jaccard.
    public let minHash: [UInt8]

    /// Equal when counts, names and slots are (the weights follow from the counts).
    public static func == (a: ArticleFingerprint, b: ArticleFingerprint) -> Bool {
        a.termHashes == b.termHashes && a.termCounts == b.termCounts && a.strongestNames == b.strongestNames && a.minHash == b.minHash
    }

    public init(termCounts: [UInt32: Int], names: [UInt32], minHash: [UInt8]) {
        let sorted = termCounts.sorted { $0.key < $1.key }
        self.init(sortedTerms: sorted.map(\.key), counts: sorted.map { UInt8(min(max($0.value, 1), Self.maximumCount)) },
                  names: names, minHash: minHash)
    }

    /// From terms already in ascending order with their counts (capped).
    init(sortedTerms: [UInt32], counts: [UInt8], names: [UInt32], minHash: [UInt8]) {
        termHashes = sortedTerms
        termCounts = counts
        termWeights = Self.weighted(counts)
        var distinct = names.sorted()
        if distinct.count > 1 {
            var kept = 1
            for index in 1..<distinct.count where distinct[index] != distinct[kept - 1] {
                distinct[kept] = distinct[index]
                kept += 1
            }
            distinct.removeLast(distinct.count - kept)
        }
        self.names = distinct
        strongestNames = names
        self.minHash = minHash
    }

    static let signatureSize = 64
    static let maximumTerms = 64
    static let maximumNames = 32
    static let shingleSize = 4
    /// Term counts are kept up to this; 1 + ln(16) already outweighs a
    /// single mention almost four times.
    static let maximumCount = 16
    static let termBits = 20
    static let nameBits = 24

    /// The fingerprint of a headline and body. Words are handled as hashes of their UTF-8 bytes
    /// (`WordScanner`): ties between equally frequent terms and names are broken by hash.
    public static func of(headline: String, body: String) -> ArticleFingerprint {
        var counts: [UInt64: Int] = [:]
        var nameCounts: [UInt64: Int] = [:]
        var shingleHashes: [UInt64] = []
        // Headlines capitalise every word, so names are taken from the body only; and not from a
        // wire dateline ("NEW YORK, March 2 - "), which says where and when the wire filed, not
        // whom the story is about.
        let datelineEnd = DateExtractor.wireDatelineLength(body).map { body.unicodeScalars.index(body.unicodeScalars.startIndex, offsetBy: $0) }
        let parts: [(text: Substring, takesNames: Bool)] = if let datelineEnd {
            [(headline[...], false), (body[..<datelineEnd], false), (body[datelineEnd...], true)]
        } else {
            [(headline[...], false), (body[...], true)]
        }
        for (text, takesNames) in parts {
            // A capitalised word opening a sentence is a name when the next word is capitalised
            // too ("Nippon Life said", not "Shr 72 cts" or "Chief state prosecutor").
            var opener: UInt64?
            WordScanner.forEachWord(in: text) { word in
                shingleHashes.append(word.hash)
                let isStop = StopWords.hashes.contains(word.hash)
                let mayName = takesNames && word.isCapitalised && !isStop && word.length > 1 && !CalendarWords.hashes.contains(word.hash)
                if mayName && !word.startsSentence {
                    if let opener { nameCounts[opener, default: 0] += 1 }
                    nameCounts[word.hash, default: 0] += 1
                }
                opener = mayName && word.startsSentence ? word.hash : nil
                guard !isStop, word.length > 2, !word.isNumber else { return }
                counts[word.foldedHash(), default: 0] += 1
            }
        }
        // The strongest terms and names only, so stored fingerprints stay small; ties by hash, for stability.
        let byCount: ((key: UInt64, value: Int), (key: UInt64, value: Int)) -> Bool = {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
        }
        let strongest = counts.sorted(by: byCount).prefix(maximumTerms)
        let names = nameCounts.sorted(by: byCount).prefix(maximumNames)
        var termCounts: [UInt32: Int] = [:]
        for (term, count) in strongest { termCounts[hash(wordHash: term, bits: termBits), default: 0] += count }
        var seen = Set<UInt32>()
        let nameHashes = names.map { hash(wordHash: $0.key, bits: nameBits) }.filter { seen.insert($0).inserted }
        return ArticleFingerprint(termCounts: termCounts, names: nameHashes,
                                  minHash: MinHash.signature(ofHashes: shingleHashes, size: signatureSize, shingle: shingleSize))
    }

    /// Unit-length weights 1 + ln(tf) of term counts (capped at `maximumCount`), in their order.
    static func weighted(_ counts: [UInt8]) -> [Double] {
        // The norm from how many terms have each count, summed in count order: the same to the
        // last bit whatever order the terms come in.
        var histogram = [Int](repeating: 0, count: maximumCount + 1)
        for count in counts { histogram[Int(count)] += 1 }
        var squares = 0.0
        for count in 1...maximumCount where histogram[count] > 0 {
            squares += Double(histogram[count]) * countWeights[count] * countWeights[count]
        }
        guard squares > 0 else { return [] }
        let norm = squares.squareRoot()
        return counts.map { countWeights[Int($0)] / norm }
    }

    /// 1 + ln(count) for each possible count.
    static let countWeights: [Double] = (0...maximumCount).map { $0 == 0 ? 0 : 1 + Glibc.log(Double($0)) }

    /// The top `bits` of a word's FNV-1a hash (`MinHash.hash`), mixed.
    static func hash(wordHash: UInt64, bits: Int) -> UInt32 { UInt32(truncatingIfNeeded: MinHash.mix(wordHash) >> UInt64(64 - bits)) }

    /// The keys an article is filed under for finding story candidates: its names and its
    /// strongest terms, in separate key spaces (names have 24 bits, terms 20 and bit 24 set).
    /// Derived from the fingerprint alone, so the stored fingerprint is enough to take an
    /// article out again.
    public var storyKeys: [Int64] {
        // Most used first (a higher count is a higher weight), ties by hash.
        let strongest = termHashes.indices.sorted {
            termCounts[$0] != termCounts[$1] ? termCounts[$0] > termCounts[$1] : termHashes[$0] < termHashes[$1]
        }.prefix(Self.keyTerms)
        return strongestNames.map { Int64($0) } + strongest.map { Int64(termHashes[$0]) | 1 << 24 }
    }

    /// Strongest terms among the story keys.
    static let keyTerms = 8
}

/// Similarities between fingerprints: symmetric, in 0…1, and stable (no corpus statistics,
/// so adding articles never changes the score of a pair).
public enum Similarity {
    /// Cosine of the term vectors.
    public static func terms(_ a: ArticleFingerprint, _ b: ArticleFingerprint) -> Double {
        // Summed in ascending term order, so that sim(a, b) == sim(b, a) to the last bit.
        var dot = 0.0
        var (i, j) = (0, 0)
        while i < a.termHashes.count && j < b.termHashes.count {
            if a.termHashes[i] < b.termHashes[j] { i += 1 } else if a.termHashes[i] > b.termHashes[j] { j += 1 } else {
                dot += a.termWeights[i] * b.termWeights[j]
                i += 1
                j += 1
            }
        }
        return min(1, max(0, dot))
    }

    /// Jaccard index of the name sets.
    public static func names(_ a: ArticleFingerprint, _ b: ArticleFingerprint) -> Double {
        var shared = 0
        var (i, j) = (0, 0)
        while i < a.names.count && j < b.names.count {
            if a.names[i] < b.names[j] { i += 1 } else if a.names[i] > b.names[j] { j += 1 } else {
                shared += 1
                i += 1
                j += 1
            }
        }
        let union = a.names.count + b.names.count - shared
        return union == 0 ? 0 : Double(shared) / Double(union)
    }

    /// Estimated Jaccard index of the 4-word shingles: near 1 for copies and light edits.
    /// Two 8-bit slots of unrelated texts agree by chance once in 256, which the estimate removes.
    public static func shingles(_ a: ArticleFingerprint, _ b: ArticleFingerprint) -> Double {
        guard a.minHash.count == b.minHash.count, !a.minHash.isEmpty else { return 0 }
        let equal = zip(a.minHash, b.minHash).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        let chance = 1.0 / 256
        return max(0, (Double(equal) / Double(a.minHash.count) - chance) / (1 - chance))
    }

    /// Articles at least this similar (`articles`) and close in date are alike enough to report
    /// the same story. Set between the seeds' story pairs (0.39–0.47) and their unrelated pairs
    /// (at most 0.25). Story placement links articles at a higher score (`StoryBook` in the
    /// index): a story joins everything its links join, so each link must be surer than a pair.
    public static let storyThreshold = 0.32

    /// `related` lists articles at least this similar: well below the same-story threshold, so
    /// that reports of neighbouring events show, above what unrelated texts share by chance.
    public static let relatedFloor = 0.15

    /// Articles whose shingles overlap this much are copies of one text (syndicated, lightly edited).
    public static let copyThreshold = 0.5

    /// The similarity stories and `related` use: words and names together.
    public static func articles(_ a: ArticleFingerprint, _ b: ArticleFingerprint) -> Double {
        0.6 * terms(a, b) + 0.4 * names(a, b)
    }
}

/// Word folding for fingerprints (the non-ASCII path of `WordScanner.Word.foldedHash`).
enum WordTokens {
    /// Folds plurals and diacritics so that "bounties" and "bounty", "café" and "cafe" meet.
    static func folded(_ word: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            // Latin letters with diacritics: keep the base letter (decomposition's first scalar).
            if scalar.value >= 0xC0 && scalar.value <= 0x24F,
               let base = String(scalar).decomposedFirstScalar { scalars.append(base) } else { scalars.append(scalar) }
        }
        var text = String(scalars)
        // Scalars, not characters: counting characters means finding grapheme breaks, and this
        // runs for every word of every article.
        let length = text.unicodeScalars.count
        if length > 4 && text.hasSuffix("ies") { text = String(text.dropLast(3)) + "y" }
        else if length > 4 && (text.hasSuffix("ches") || text.hasSuffix("shes") || text.hasSuffix("xes") || text.hasSuffix("sses")) {
            text = String(text.dropLast(2))
        } else if length > 3 && text.hasSuffix("s") && !text.hasSuffix("ss") && !text.hasSuffix("us") && !text.hasSuffix("is") {
            text = String(text.dropLast())
        }
        return text
    }
}

extension String {
    /// The base letter of a one-scalar Latin-1 string ("é" → "e"); other scalars are kept.
    var decomposedFirstScalar: Unicode.Scalar? {
        guard let scalar = unicodeScalars.first else { return nil }
        return LatinBase.table[scalar.value] ?? scalar
    }
}

/// Latin-1 letters with diacritics and their base letters, built once.
private enum LatinBase {
    static let table: [UInt32: Unicode.Scalar] = {
        let ranges: [(ClosedRange<UInt32>, Unicode.Scalar)] = [
            (0xC0...0xC5, "a"), (0xC7...0xC7, "c"), (0xC8...0xCB, "e"), (0xCC...0xCF, "i"), (0xD1...0xD1, "n"), (0xD2...0xD6, "o"),
            (0xD9...0xDC, "u"), (0xDD...0xDD, "y"), (0xE0...0xE5, "a"), (0xE7...0xE7, "c"), (0xE8...0xEB, "e"), (0xEC...0xEF, "i"),
            (0xF1...0xF1, "n"), (0xF2...0xF6, "o"), (0xF9...0xFC, "u"), (0xFD...0xFD, "y"), (0xFF...0xFF, "y"),
        ]
        var table: [UInt32: Unicode.Scalar] = [:]
        for (range, base) in ranges { for value in range { table[value] = base } }
        return table
    }()
}

/// MinHash signatures over shingles of consecutive words.
enum MinHash {
    /// The signature of a text's words, given as their hashes (`hash`).
    static func signature(ofHashes hashes: [UInt64], size: Int, shingle: Int) -> [UInt8] {
        var slots = [UInt64](repeating: .max, count: size)
        guard !hashes.isEmpty else { return slots.map { UInt8(truncatingIfNeeded: $0) } }
        let count = max(1, hashes.count - shingle + 1)
        for start in 0..<count {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15
            for offset in 0..<min(shingle, hashes.count - start) { h = mix(h ^ hashes[start + offset]) }
            for slot in 0..<size {
                let value = mix(h &+ UInt64(slot) &* 0xD6E8_FEB8_6659_FD93)
                if value < slots[slot] { slots[slot] = value }
            }
        }
        // The lowest bits: the high bits of a minimum are mostly zeros.
        return slots.map { UInt8(truncatingIfNeeded: $0) }
    }

    /// FNV-1a of the word's UTF-8.
    static func hash(_ word: String) -> UInt64 {
        var h = fnvBasis
        for byte in word.utf8 { h = fnvStep(h, byte) }
        return h
    }

    static let fnvBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func fnvStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }

    /// A 64-bit finaliser (splitmix64): spreads every input bit over the output.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Month names and abbreviations in the languages dates are read in ("Jan", "Okt", "März"):
/// capitalised, but no names, and every dividend or earnings report mentions a few.
enum CalendarWords {
    /// The words' hashes (`MinHash.hash`), for `WordScanner`'s words.
    static let hashes = Set(DateExtractor.months.keys.map(MinHash.hash))
}

/// English function words and the reporting words every news article uses.
enum StopWords {
    /// The words' hashes (`MinHash.hash`), for `WordScanner`'s words.
    static let hashes = Set(words.map(MinHash.hash))

    static let words: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
        "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he",
        "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
        "itself", "just", "me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
        "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the",
        "their", "them", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "would", "you", "your", "said", "says", "say", "told", "according", "reported", "report", "reports", "mr", "mrs",
        "ms", "new", "one", "two", "three", "year", "years", "last", "first", "week", "month", "may", "might", "must",
        "many", "much", "since", "still", "even", "however", "though", "although", "yet", "per", "via", "among", "within",
        "without", "across", "around", "including", "made", "make", "like", "time", "told", "people", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
        "june", "july", "august", "september", "october", "november", "december", "pct", "mln", "billion", "million",
    ]
}
