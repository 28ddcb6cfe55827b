/// The words of a text as fingerprints see them: runs of letters and digits, lowered, each with
/// its hash and what the fingerprint asks of it. An ASCII word is lowered and hashed in a reused
/// byte buffer, without a `String` of its own: fingerprinting runs on every article read.
enum WordScanner {
    /// One word; valid only inside the closure it is passed to.
    struct Word {
        /// FNV-1a of the lowered word's UTF-8 (`MinHash.hash` of the lowered text).
        let hash: UInt64
        /// Unicode scalars in the lowered word.
        let length: Int
        /// Its first letter is upper case.
        let isCapitalised: Bool
        /// It is the first word of the text or follows `. ! ? :`, a line break or an opening quote.
        let startsSentence: Bool
        /// Every scalar is a digit (or another numeric character).
        let isNumber: Bool
        fileprivate let lowered: [UInt8]
        fileprivate let isASCII: Bool

        /// The hash of the word with plurals folded and Latin diacritics removed (`WordTokens.folded`).
        func foldedHash() -> UInt64 {
            guard isASCII else { return MinHash.hash(WordTokens.folded(String(decoding: lowered, as: UTF8.self))) }
            func ends(_ suffix: StaticString) -> Bool {
                let count = suffix.utf8CodeUnitCount
                guard lowered.count >= count else { return false }
                return suffix.withUTF8Buffer { lowered[(lowered.count - count)...].elementsEqual($0) }
            }
            var keep = lowered.count
            var appendY = false
            if length > 4 && ends("ies") {
                keep -= 3
                appendY = true
            } else if length > 4 && (ends("ches") || ends("shes") || ends("xes") || ends("sses")) {
                keep -= 2
            } else if length > 3 && ends("s") && !ends("ss") && !ends("us") && !ends("is") {
                keep -= 1
            }
            var hash = MinHash.fnvBasis
            for byte in lowered[..<keep] { hash = MinHash.fnvStep(hash, byte) }
            if appendY { hash = MinHash.fnvStep(hash, UInt8(ascii: "y")) }
            return hash
        }
    }

    /// . ! ? : newline, straight and opening curly double quotes.
    static let sentenceEnds: Set<UInt32> = [0x2E, 0x21, 0x3F, 0x3A, 0x0A, 0x22, 0x201C]

    /// Calls `body` with each word of `text`, in order. A lone `s` or `t` (after an apostrophe:
    /// "Russia’s", "don't") is not a word.
    static func forEachWord(in text: some StringProtocol, _ body: (Word) -> Void) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(32)
        var isASCII = true, capitalised = false, numeric = true
        var scalars = 0
        var sentenceEnded = true
        func emit() {
            defer {
                buffer.removeAll(keepingCapacity: true)
                (isASCII, numeric, scalars) = (true, true, 0)
            }
            if scalars == 1, buffer.count == 1, buffer[0] == UInt8(ascii: "s") || buffer[0] == UInt8(ascii: "t") { return }
            var lowered = buffer
            var length = scalars
            if isASCII {
                for index in lowered.indices where lowered[index] >= 0x41 && lowered[index] <= 0x5A { lowered[index] += 0x20 }
            } else {
                let text = String(decoding: buffer, as: UTF8.self).lowercased()
                lowered = Array(text.utf8)
                length = text.unicodeScalars.count
            }
            var hash = MinHash.fnvBasis
            for byte in lowered { hash = MinHash.fnvStep(hash, byte) }
            body(Word(hash: hash, length: length, isCapitalised: capitalised, startsSentence: sentenceEnded, isNumber: numeric,
                      lowered: lowered, isASCII: isASCII))
            sentenceEnded = false
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isWordPart: Bool
            let isDigit: Bool
            if value < 0x80 {
                isDigit = value >= 0x30 && value <= 0x39
                isWordPart = isDigit || (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
            } else {
                isDigit = scalar.properties.numericType != nil
                isWordPart = isDigit || scalar.properties.isAlphabetic
            }
            if isWordPart {
                if scalars == 0 { capitalised = value < 0x80 ? (value >= 0x41 && value <= 0x5A) : scalar.properties.isUppercase }
                if value < 0x80 {
                    buffer.append(UInt8(value))
                } else {
                    isASCII = false
                    UTF8.encode(scalar) { buffer.append($0) }
                }
                numeric = numeric && isDigit
                scalars += 1
                continue
            }
            if scalars > 0 { emit() }
            if sentenceEnds.contains(value) { sentenceEnded = true }
        }
        if scalars > 0 { emit() }
    }
}
