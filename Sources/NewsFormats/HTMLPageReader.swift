import CLibXML2

/// Reads an HTML page with libxml2's HTML parser in SAX mode: one pass, no tree, so memory
/// stays bounded by the page's text whatever its nesting, and malformed markup is recovered
/// the way libxml2 recovers it. Drops scripts, styles, navigation, headers, footers, asides,
/// forms and the page furniture named by class, id or role (share bars, "related" lists,
/// newsletter and cookie boxes).
enum HTMLPageReader {
    /// Parses `bytes` (any charset the page declares; undeclared non-UTF-8 is read as Latin-1 by libxml2).
    static func read(_ bytes: [UInt8]) -> HTMLPage {
        initialiseOnce
        let state = PageCollector()
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            pageCollector(context).start(name, attributes)
        }
        handler.endElement = { context, name in
            pageCollector(context).end(name)
        }
        handler.characters = { context, characters, length in
            pageCollector(context).text(characters, Int(length))
        }
        handler.cdataBlock = { context, characters, length in
            pageCollector(context).text(characters, Int(length))
        }
        // Errors go to a structured handler that drops them (libxml2 would print them to stderr).
        handler.initialized = XML_SAX2_MAGIC
        handler.serror = { _, _ in }
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        guard let context = htmlCreatePushParserCtxt(&handler, unmanaged.toOpaque(), nil, 0, nil, XML_CHAR_ENCODING_NONE) else {
            return state.page
        }
        defer { htmlFreeParserCtxt(context) }
        htmlCtxtUseOptions(context, Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                                         | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue))
        // In chunks: libxml2's push parser takes an Int32 length.
        let chunk = 1 << 20
        var offset = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { chars in
                while offset < buffer.count {
                    let length = min(chunk, buffer.count - offset)
                    _ = htmlParseChunk(context, chars + offset, Int32(length), 0)
                    offset += length
                }
            }
        }
        _ = htmlParseChunk(context, nil, 0, 1)
        state.finish()
        return state.page
    }

    private static let initialiseOnce: Void = { xmlInitParser() }()
}

private func pageCollector(_ context: UnsafeMutableRawPointer?) -> PageCollector {
    Unmanaged<PageCollector>.fromOpaque(context!).takeUnretainedValue()
}

/// The SAX callbacks' state. Used by one parse on one thread.
private final class PageCollector {
    private struct Frame {
        var name: String
        var skipped: Bool
        var inMain: Bool
        var capture: Capture?
    }

    private enum Capture { case title, jsonLD, heading, byline }

    /// Nesting past this is not tracked: its elements count as part of the deepest tracked one.
    static let maximumDepth = 512

    var page = HTMLPage()
    private var stack: [Frame] = []
    private var untrackedDepth = 0
    private var paragraph: [UInt8] = []
    private var paragraphIsHeading = false
    private var captured: [UInt8] = []
    /// Frames on the stack with a capture: text goes to `captured` while any is open.
    private var openCaptures = 0

    private var skipped: Bool { stack.last?.skipped ?? false }
    private var inMain: Bool { stack.last?.inMain ?? false }

    func start(_ rawName: UnsafePointer<xmlChar>?, _ rawAttributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard let rawName else { return }
        if stack.count >= Self.maximumDepth {
            untrackedDepth += 1
            page.truncatedDepth = true
            return
        }
        let name = String(cString: rawName)
        let attributes = Self.attributes(rawAttributes)
        if HTMLRules.blockElements.contains(name) { endParagraph() }
        var frame = Frame(name: name, skipped: skipped, inMain: inMain, capture: nil)
        switch name {
        case "html":
            if let lang = attributes["lang"] ?? attributes["xml:lang"] { page.language = page.language ?? lang }
        case "title" where page.title == nil:
            frame.capture = .title
        case "meta":
            if let content = attributes["content"],
               let key = attributes["property"] ?? attributes["name"] ?? attributes["itemprop"] {
                let lower = key.lowercased()
                if page.metas[lower] == nil { page.metas[lower] = content }
            }
            if let charset = attributes["charset"], page.metas["charset"] == nil { page.metas["charset"] = charset }
        case "link":
            if attributes["rel"]?.lowercased().split(separator: " ").contains("canonical") == true, let href = attributes["href"] {
                page.canonical = page.canonical ?? href
            }
        case "script":
            if attributes["type"]?.lowercased().trimmingSpaces == "application/ld+json" { frame.capture = .jsonLD }
        case "time":
            // The first <time datetime> of the page: a date when no metadata gives one.
            if let value = attributes["datetime"], page.metas["time:datetime"] == nil { page.metas["time:datetime"] = value }
        case "h1" where page.firstHeading == nil:
            frame.capture = .heading
        default:
            break
        }
        if HTMLRules.mainElements.contains(name) || HTMLRules.marksMain(attributes) { frame.inMain = true }
        if HTMLRules.skippedElements.contains(name) || HTMLRules.isFurniture(attributes) { frame.skipped = true }
        if frame.capture == nil, HTMLRules.marksByline(attributes) {
            // The byline is metadata, captured here, not a paragraph of the article.
            frame.capture = .byline
            frame.skipped = true
        }
        if frame.capture != nil { captured.removeAll(keepingCapacity: true); openCaptures += 1 }
        if name == "h2" || name == "h3" || name == "h4" || name == "h5" || name == "h6" || name == "h1" { paragraphIsHeading = true }
        stack.append(frame)
    }

    func end(_ rawName: UnsafePointer<xmlChar>?) {
        if untrackedDepth > 0 { untrackedDepth -= 1; return }
        guard let rawName else { return }
        let name = String(cString: rawName)
        // libxml2 balances what it recovers; a stray end tag that matches nothing open is ignored.
        guard let index = stack.lastIndex(where: { $0.name == name }) else { return }
        while stack.count > index {
            let frame = stack.removeLast()
            if let capture = frame.capture { openCaptures -= 1; finishCapture(capture) }
        }
        if HTMLRules.blockElements.contains(name) { endParagraph() }
    }

    func text(_ characters: UnsafePointer<xmlChar>?, _ length: Int) {
        guard let characters, length > 0 else { return }
        let bytes = UnsafeBufferPointer(start: characters, count: length)
        if openCaptures > 0 { captured.append(contentsOf: bytes) }
        guard !skipped else { return }
        paragraph.append(contentsOf: bytes)
    }

    func finish() {
        while let frame = stack.popLast() {
            if let capture = frame.capture { openCaptures -= 1; finishCapture(capture) }
        }
        endParagraph()
    }

    private func finishCapture(_ capture: Capture) {
        let text = Self.collapsed(captured)
        captured.removeAll(keepingCapacity: true)
        switch capture {
        case .title: if !text.isEmpty { page.title = page.title ?? text }
        case .jsonLD: page.jsonLD.append(text)
        case .heading: if !text.isEmpty { page.firstHeading = page.firstHeading ?? text }
        case .byline: if !text.isEmpty, text.count <= 200 { page.bylines.append(text) }
        }
    }

    private func endParagraph() {
        defer { paragraph.removeAll(keepingCapacity: true); paragraphIsHeading = false }
        let text = Self.collapsed(paragraph)
        guard !text.isEmpty else { return }
        page.blocks.append(HTMLPage.Block(text: text, inMain: inMain, isHeading: paragraphIsHeading))
    }

    /// The bytes as text with every run of white space one space, trimmed.
    static func collapsed(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            // ASCII white space and U+00A0 (C2 A0) collapse alike.
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                pendingSpace = true; index += 1; continue
            }
            if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 {
                pendingSpace = true; index += 2; continue
            }
            if pendingSpace && !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            out.append(byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func attributes(_ raw: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) -> [String: String] {
        guard var cursor = raw else { return [:] }
        var result: [String: String] = [:]
        var count = 0
        while let key = cursor.pointee, count < 64 {
            let value = (cursor + 1).pointee.map { String(cString: $0) } ?? ""
            let name = String(cString: key).lowercased()
            if result[name] == nil { result[name] = value }
            cursor += 2
            count += 1
        }
        return result
    }
}
