/// Outlet names as they appear in metadata, credits, copyright lines and addresses, mapped to
/// one spelling each (the table is `OutletTable`). A name outside it is kept as the article
/// writes it, never guessed.
public enum OutletNames {
    static let canonical: [String: String] = {
        var map: [String: String] = [:]
        for line in OutletTable.lines {
            let spellings = line.split(separator: "|").map(String.init)
            guard let name = spellings.first else { continue }
            for spelling in spellings where map[spelling.lowercased()] == nil {
                map[spelling.lowercased()] = name
            }
        }
        return map
    }()

    /// Every canonical name with its other spellings, for the documentation and `outlet:` queries.
    public static var table: [(name: String, spellings: [String])] {
        OutletTable.lines.map { line in
            let parts = line.split(separator: "|").map(String.init)
            return (parts[0], Array(parts.dropFirst()))
        }
    }

    /// The canonical name of a known outlet, or `nil`.
    public static func known(_ text: String) -> String? {
        var key = text.trimmingSpaces.lowercased()
        guard key.utf8.count <= 80 else { return nil }
        while let last = key.last, last == "." || last == "," || last == "!" || last == ":" { key.removeLast() }
        if key.hasPrefix("www.") { key.removeFirst(4) }
        if let name = canonical[key] { return name }
        if key.hasPrefix("the "), let name = canonical[String(key.dropFirst(4))] { return name }
        return nil
    }

    /// The outlet of a web address: its host looked up whole, then without sub-domains
    /// ("edition.cnn.com" → CNN); an unknown site is named by its domain ("example.org").
    public static func fromAddress(_ address: String) -> String? {
        guard let host = WebAddress.host(of: address) else { return nil }
        var labels = host.split(separator: ".").map(String.init)
        if let path = WebAddress.firstPathSegment(of: address), let name = canonical[host + "/" + path] { return name }
        while labels.count >= 2 {
            if let name = canonical[labels.joined(separator: ".")] { return name }
            labels.removeFirst()
        }
        return WebAddress.registrableDomain(of: host)
    }

    /// A name as a format or trailer gives it: the canonical spelling when known, else as written
    /// (trimmed; a domain becomes its outlet).
    static func normalise(_ text: String) -> String? {
        var name = text.trimmingSpaces
        while let last = name.last, last == "." || last == "," || last == ":" { name.removeLast() }
        guard !name.isEmpty, name.count <= 60 else { return nil }
        if let known = known(name) { return known }
        if WebAddress.normalised(name) != nil { return fromAddress(name) }
        return name
    }
}
