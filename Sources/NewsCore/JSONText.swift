/// JSON text written straight into bytes, for the answers newsd gives most often (a page of
/// search hits): the same text `JSONEncoder` writes with `.sortedKeys` — keys in byte order,
/// `/` escaped, a whole number written without `.0` — without building a tree of boxed values
/// first, which cost more than the search itself on a small archive.
public struct JSONText {
    /// The text so far, UTF-8.
    public private(set) var bytes: [UInt8] = []

    /// Whether the object or array being written has a member yet (one entry per open level).
    private var hasMember: [Bool] = []

    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    /// A value JSON cannot hold (a number that is not finite).
    public struct Unrepresentable: Error, CustomStringConvertible {
        public let value: String
        public var description: String { "\(value) cannot be written as a JSON number" }
    }

    // MARK: - Containers

    /// Writes an object whose members `body` writes with `member` calls, in the order given:
    /// the caller gives them in byte order of their keys.
    public mutating func object(_ body: (inout JSONText) throws -> Void) rethrows {
        bytes.append(UInt8(ascii: "{"))
        hasMember.append(false)
        try body(&self)
        hasMember.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes an array of `elements`, each with `write`.
    public mutating func array<Element>(_ elements: [Element], _ write: (inout JSONText, Element) throws -> Void) rethrows {
        bytes.append(UInt8(ascii: "["))
        for (offset, element) in elements.enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            try write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Starts a member of the object being written: its key (a plain ASCII name, written as is)
    /// and the colon. The value follows.
    public mutating func key(_ name: StaticString) {
        if hasMember[hasMember.count - 1] { bytes.append(UInt8(ascii: ",")) }
        hasMember[hasMember.count - 1] = true
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    // MARK: - Members, left out when nil as `encodeIfPresent` leaves them out

    public mutating func member(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    public mutating func member(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        integer(Int64(value))
    }

    public mutating func member(_ name: StaticString, _ value: Int64?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    public mutating func member(_ name: StaticString, _ value: Double?) throws {
        guard let value else { return }
        key(name)
        try number(value)
    }

    public mutating func member(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: value ? Self.trueText : Self.falseText)
    }

    public mutating func member(_ name: StaticString, _ value: [String]) {
        key(name)
        array(value) { $0.string($1) }
    }

    public mutating func member<Value: JSONTextWritable>(_ name: StaticString, _ value: Value?) throws {
        guard let value else { return }
        key(name)
        try value.write(to: &self)
    }

    public mutating func member<Value: JSONTextWritable>(_ name: StaticString, _ values: [Value]) throws {
        key(name)
        try array(values) { try $1.write(to: &$0) }
    }

    private static let trueText = Array("true".utf8)
    private static let falseText = Array("false".utf8)

    // MARK: - Values

    public mutating func integer(_ value: Int64) {
        guard value != 0 else { bytes.append(UInt8(ascii: "0")); return }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        // Digits from the lowest, written in place and turned around; magnitude as UInt64, so
        // that Int64.min has one.
        var magnitude = value.magnitude
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// A finite number as Swift writes it (the shortest text that reads back as the same
    /// number), without a trailing `.0`; throws for NaN and infinities.
    public mutating func number(_ value: Double) throws {
        guard value.isFinite else { throw Unrepresentable(value: "\(value)") }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A string with JSON's escapes: quote, backslash, slash, and every control character.
    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for (offset, byte) in utf8.enumerated() {
                // What follows the backslash: one letter, or `u` and four hex digits.
                let escape: UInt8
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape = byte
                case 0x08: escape = UInt8(ascii: "b")
                case 0x0C: escape = UInt8(ascii: "f")
                case 0x0A: escape = UInt8(ascii: "n")
                case 0x0D: escape = UInt8(ascii: "r")
                case 0x09: escape = UInt8(ascii: "t")
                case 0x00..<0x20: escape = UInt8(ascii: "u")
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<offset]))
                runStart = offset + 1
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(escape)
                if escape == UInt8(ascii: "u") {
                    bytes.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: "0"), Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// A value that writes itself as JSON text (`JSONText`), the same text `JSONEncoder` with
/// `.sortedKeys` writes for it.
public protocol JSONTextWritable {
    func write(to json: inout JSONText) throws
}
