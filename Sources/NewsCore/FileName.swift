/// File names as the kernel gives them (bytes) and as newsd stores and shows them (text).
public enum FileName {
    /// Decodes a name. Names that are not valid UTF-8 or contain control characters (a line
    /// break, say) cannot be stored, logged or printed faithfully: they come back escaped
    /// (`\xFF`, `\n`) with the problem, and are recorded as failures instead of being indexed.
    public static func decode(_ bytes: some Collection<UInt8>) -> (name: String, problem: String?) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return (escaped(bytes), "the file name is not valid UTF-8; rename it to a UTF-8 name")
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return (escaped(bytes), "the file name contains a control character such as a line break; rename it")
        }
        return (text, nil)
    }

    /// A printable, reversible-looking form: valid UTF-8 runs as they are, control characters
    /// and stray bytes as escapes.
    public static func escaped(_ bytes: some Collection<UInt8>) -> String {
        var out = ""
        var rest = Array(bytes)[...]
        while let first = rest.first {
            // Decode one scalar; where the bytes are not UTF-8, escape the first byte and go on.
            var iterator = rest.makeIterator()
            var decoder = UTF8()
            guard case .scalarValue(let scalar) = decoder.decode(&iterator) else {
                out += hexEscape(first)
                rest = rest.dropFirst()
                continue
            }
            rest = rest.dropFirst(scalar.utf8.count)
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default:
                if scalar.properties.generalCategory == .control, scalar.value < 0x100 {
                    out += hexEscape(UInt8(scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func hexEscape(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "\\x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
