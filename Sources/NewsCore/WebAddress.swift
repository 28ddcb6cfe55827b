/// Web addresses as articles carry them: alone on a line, after "Source:", in metadata.
public enum WebAddress {
    /// `text` when it is one http(s) address and nothing else (trailing punctuation dropped); else `nil`.
    public static func normalised(_ text: String) -> String? {
        var address = text.trimmingSpaces
        guard address.utf8.count <= 2048, !address.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        while let last = address.last, ".,;)>]".contains(last) { address.removeLast() }
        if address.hasPrefix("<") { address.removeFirst() }
        let lower = address.lowercased()
        if lower.hasPrefix("www.") { address = "https://" + address }
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www."),
              let host = host(of: address), host.contains(".") else { return nil }
        return address
    }

    /// Labels that introduce an article's address on a line of its own.
    static let labels = ["source:", "url:", "link:", "original:", "quelle:", "fuente:", "fonte:", "bron:", "источник:", "source url:", "permalink:"]

    /// The address of a line like "Source: https://…", else `nil`.
    public static func labelled(_ line: String) -> String? {
        guard line.utf8.count <= 2100 else { return nil }
        let lower = line.lowercased()
        for label in labels where lower.hasPrefix(label) {
            return normalised(String(line.dropFirst(label.count)))
        }
        return nil
    }

    /// The host, lower case, without "www.", "m." or "amp.", user or port.
    public static func host(of address: String) -> String? {
        var rest = Substring(address.trimmingSpaces)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var host = rest[..<end]
        if let at = host.lastIndex(of: "@") { host = host[host.index(after: at)...] }
        if let colon = host.firstIndex(of: ":") { host = host[..<colon] }
        var name = host.lowercased()
        for prefix in ["www.", "m.", "amp.", "mobile."] where name.hasPrefix(prefix) && name.split(separator: ".").count > 2 {
            name.removeFirst(prefix.count)
        }
        guard !name.isEmpty, name.count <= 253,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { return nil }
        return name
    }

    /// The first segment of the address's path ("mundo" of "https://www.bbc.com/mundo/…").
    static func firstPathSegment(of address: String) -> String? {
        var rest = Substring(address)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let segment = rest[rest.index(after: slash)...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return segment.isEmpty ? nil : segment.lowercased()
    }

    /// The part of a host a registrant owns: "example.org", or "example.co.uk" under the
    /// two-level public suffixes of countries ("co.uk", "com.au").
    public static func registrableDomain(of host: String) -> String? {
        let labels = host.split(separator: ".")
        guard labels.count >= 2 else { return nil }
        let secondLevel: Set<Substring> = ["co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "gob", "nic"]
        if labels.count >= 3, labels[labels.count - 1].count == 2, secondLevel.contains(labels[labels.count - 2]) {
            return labels.suffix(3).joined(separator: ".")
        }
        return labels.suffix(2).joined(separator: ".")
    }
}

/// Language codes as formats write them ("en-GB", "de_DE", "English").
public enum LanguageCode {
    static let names: [String: String] = [
        "english": "en", "german": "de", "deutsch": "de", "french": "fr", "français": "fr", "francais": "fr",
        "spanish": "es", "español": "es", "espanol": "es", "italian": "it", "italiano": "it", "portuguese": "pt",
        "português": "pt", "dutch": "nl", "nederlands": "nl", "swedish": "sv", "svenska": "sv", "russian": "ru",
        "русский": "ru",
    ]

    /// The ISO 639-1 code, lower case ("en" of "en-US"), or `nil` when `text` is not a language.
    public static func normalised(_ text: String) -> String? {
        let lower = text.trimmingSpaces.lowercased()
        if let code = names[lower] { return code }
        let primary = lower.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0 >= "a" && $0 <= "z" }) else { return nil }
        return primary
    }
}
