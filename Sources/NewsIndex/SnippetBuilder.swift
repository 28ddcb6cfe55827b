/// Builds the snippet FTS5's `snippet(article_fts, 1, open, close, ellipsis, 24)` gives a row, from
/// what ranking already read: the query's phrase instances in the body and the body's length in
/// tokens, with the body's token spans. Searches that ranked their matches in `RankFunction`
/// then need no second MATCH to show snippets: for a prefix, that MATCH merged the prefix's word
/// lists a second time.
///
/// The choice is FTS5's: every window of `tokens` tokens that starts at an instance, and every
/// window that starts at the sentence before one, is scored (1,000 for each phrase it shows, 1 for
/// each repeat, 120 more for a window at the text's start and 100 for one at a sentence's); the
/// best (the first of equals) wins, an instance's window centred on the instances it holds.
/// Instances that overlap are marked as one.
struct SnippetBuilder {
    /// One phrase instance: the query phrase's number and its first token's position in the body.
    struct Instance: Equatable {
        let phrase: Int
        let position: Int
    }

    /// The number of tokens each query phrase spans.
    let phraseSizes: [Int]
    /// The number of tokens a snippet shows.
    let tokens: Int
    let open: String
    let close: String
    let ellipsis: String

    /// The marked snippet of `text`, whose tokens lie at `spans` (byte ranges, in order), holding
    /// `instances` (ordered by position, then phrase) in a body of `bodyTokens` tokens (the whole
    /// body's count: `text` may be its first part only).
    func snippet(of text: [UInt8], spans: [Range<Int>], instances: [Instance], bodyTokens: Int) -> String {
        let start = bestStart(text, spans: spans, instances: instances, bodyTokens: bodyTokens)
        return marked(text, spans: spans, instances: instances, range: start...(start + tokens - 1), bodyTokens: bodyTokens)
    }

    /// The first token of the best window (0 when no instance lies in the body).
    func bestStart(_ text: [UInt8], spans: [Range<Int>], instances: [Instance], bodyTokens: Int) -> Int {
        let sentences = sentenceStarts(text, spans: spans)
        var seen = [Bool](repeating: false, count: phraseSizes.count)
        var best = (score: 0, start: 0)
        var sentence = 0
        // The first instance at or after the current sentence's opening.
        var sentenceFirst = 0
        var atPosition = 0
        for (index, instance) in instances.enumerated() where instance.position <= bodyTokens {
            if instances[atPosition].position != instance.position { atPosition = index }
            let centred = score(instances, from: atPosition, window: instance.position, seen: &seen)
            if centred.score > best.score { best = (centred.score, centred.start(tokens: tokens, bodyTokens: bodyTokens)) }
            guard !sentences.isEmpty, bodyTokens > tokens else { continue }
            while sentence + 1 < sentences.count, sentences[sentence + 1] <= instance.position { sentence += 1 }
            let opening = sentences[sentence]
            guard opening < instance.position else { continue }
            while instances[sentenceFirst].position < opening { sentenceFirst += 1 }
            let bonus = opening == 0 ? 120 : 100
            let fromSentence = score(instances, from: sentenceFirst, window: opening, seen: &seen).score + bonus
            if fromSentence > best.score { best = (fromSentence, opening) }
        }
        return best.start
    }

    /// What the window from token `first` scores, with the positions of its first instance and
    /// of the token after its last; `index`: the first instance at or after `first`.
    private func score(_ instances: [Instance], from index: Int, window first: Int, seen: inout [Bool]) -> WindowScore {
        for phrase in seen.indices { seen[phrase] = false }
        var result = WindowScore(score: 0, firstHit: -1, afterLastHit: 0)
        for instance in instances[index...] {
            guard instance.position < first + tokens else { break }
            result.score += seen[instance.phrase] ? 1 : 1000
            seen[instance.phrase] = true
            if result.firstHit < 0 { result.firstHit = instance.position }
            result.afterLastHit = instance.position + phraseSizes[instance.phrase]
        }
        return result
    }

    private struct WindowScore {
        var score: Int
        var firstHit: Int
        var afterLastHit: Int

        /// The window's first token with its hits in the middle, kept inside the body.
        func start(tokens: Int, bodyTokens: Int) -> Int {
            var start = firstHit - (tokens - (afterLastHit - firstHit)) / 2
            if start + tokens > bodyTokens { start = bodyTokens - tokens }
            return max(start, 0)
        }
    }

    /// The tokens that open a sentence: the first, and each one after a `.` or `:` and white space.
    func sentenceStarts(_ text: [UInt8], spans: [Range<Int>]) -> [Int] {
        var starts: [Int] = []
        for (position, span) in spans.enumerated() {
            guard position > 0 else {
                starts.append(0)
                continue
            }
            var index = span.lowerBound - 1
            while index >= 0, Self.isSpace(text[index]) { index -= 1 }
            if index != span.lowerBound - 1, index >= 0, text[index] == UInt8(ascii: ".") || text[index] == UInt8(ascii: ":") {
                starts.append(position)
            }
        }
        return starts
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Instances that overlap merged into one run of tokens (first...last), in order.
    func runs(_ instances: [Instance]) -> [ClosedRange<Int>] {
        var runs: [ClosedRange<Int>] = []
        for instance in instances {
            let last = instance.position + phraseSizes[instance.phrase] - 1
            if let current = runs.last, instance.position <= current.upperBound {
                runs[runs.count - 1] = current.lowerBound...max(current.upperBound, last)
            } else {
                runs.append(instance.position...last)
            }
        }
        return runs
    }

    /// The text of the tokens in `range` with each run of instances starting in it marked, an
    /// ellipsis where the body goes on before or after.
    private func marked(_ text: [UInt8], spans: [Range<Int>], instances: [Instance], range: ClosedRange<Int>, bodyTokens: Int) -> String {
        var output: [UInt8] = []
        let (open, close) = (Array(self.open.utf8), Array(self.close.utf8))
        if range.lowerBound > 0 { output += ellipsis.utf8 }
        let runs = self.runs(instances).drop(while: { $0.lowerBound < range.lowerBound })
        var run = runs.startIndex
        var copied = 0
        var isOpen = false
        func copy(to end: Int) {
            let stop = min(end, text.count)
            if stop > copied { output += text[copied..<stop] }
            copied = max(copied, end)
        }
        for position in range where position < spans.count {
            let span = spans[position]
            if position == range.lowerBound, position > 0 { copied = span.lowerBound }
            let current = run < runs.endIndex ? runs[run] : nil
            if isOpen, current.map({ position <= $0.lowerBound }) ?? true, span.lowerBound > copied {
                output += close
                isOpen = false
            }
            if let current, position == current.lowerBound, !isOpen {
                copy(to: span.lowerBound)
                output += open
                isOpen = true
            }
            if let current, position == current.upperBound {
                if !isOpen {
                    output += open
                    isOpen = true
                }
                copy(to: span.upperBound)
                run += 1
            }
            if position == range.upperBound {
                if isOpen {
                    if run < runs.endIndex, position >= runs[run].lowerBound { copy(to: span.upperBound) }
                    output += close
                    isOpen = false
                }
                copy(to: span.upperBound)
            }
        }
        if isOpen { output += close }
        if range.upperBound >= bodyTokens - 1 {
            copy(to: text.count)
        } else {
            output += ellipsis.utf8
        }
        return String(decoding: output, as: UTF8.self)
    }
}
