/// Content fingerprints used to recognise the same article stored under several names.
public enum ContentHash {
    /// Folds case, runs of white space and typographic quotes, so that trivial
    /// re-encodings of the same text compare equal.
    public static func normalise(_ text: String) -> String {
        // Every article passes here whole: ASCII text (most wire copy) takes a byte loop with the
        // same result, without Unicode case mapping and property lookups per character.
        text.utf8.allSatisfy { $0 < 0x80 } ? normaliseASCII(text) : normaliseScalars(text)
    }

    static func normaliseASCII(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            switch byte {
            case 0x09...0x0D, 0x20:
                pendingSpace = !out.isEmpty
            default:
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append((0x41...0x5A).contains(byte) ? byte + 0x20 : byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func normaliseScalars(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            switch scalar {
            case "\u{2018}", "\u{2019}", "\u{201B}", "\u{2032}": out.append("'")
            case "\u{201C}", "\u{201D}", "\u{201F}", "\u{2033}": out.append("\"")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// A 128-bit hex digest (two independent 64-bit FNV-1a lanes) of already normalised text.
    /// Not cryptographic: it only has to tell articles apart, not resist an attacker.
    public static func of(normalisedText text: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b &+ UInt64(byte) &+ 0x9E37_79B9) &* 0xff51_afd7_ed55_8ccd
            b ^= b >> 29
        }
        return hex(a) + hex(b)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
