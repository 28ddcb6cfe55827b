/// Outlet names as they appear in credits and trailers, mapped to one spelling each.
/// Deliberately small: a name outside it is kept as the article writes it, never guessed.
public enum OutletNames {
    static let canonical: [String: String] = {
        let table: [String: [String]] = [
            "Daily Mail": ["daily mail", "dailymail", "dailymail.co.uk", "mail online", "mailonline", "dailymail.com"],
            "The Independent": ["the independent", "independent", "independent.co.uk"],
            "CNN": ["cnn", "cnn.com"],
            "Sputnik": ["sputnik", "sputnik news", "sputniknews.com"],
            "Reuters": ["reuters", "reuter", "reuters.com", "thomson reuters"],
            "The Washington Times": ["the washington times", "washington times", "washingtontimes.com"],
            "The Washington Post": ["the washington post", "washington post", "washingtonpost.com"],
            "The New York Times": ["the new york times", "new york times", "nytimes.com"],
            "The Guardian": ["the guardian", "guardian", "theguardian.com"],
            "BBC": ["bbc", "bbc news", "bbc.co.uk", "bbc.com"],
            "Associated Press": ["associated press", "the associated press", "ap", "apnews.com"],
            "AFP": ["afp", "agence france-presse", "agence france presse"],
            "Al Jazeera": ["al jazeera", "aljazeera.com"],
            "TASS": ["tass"],
            "RT": ["rt", "rt.com"],
            "Fox News": ["fox news", "foxnews.com"],
            "NPR": ["npr", "npr.org"],
            "Bloomberg": ["bloomberg", "bloomberg.com"],
            "Politico": ["politico", "politico.com"],
            "The Telegraph": ["the telegraph", "telegraph.co.uk"],
        ]
        var map: [String: String] = [:]
        for (name, spellings) in table {
            map[name.lowercased()] = name
            for spelling in spellings { map[spelling] = name }
        }
        return map
    }()

    /// The canonical name of a known outlet, or `nil`.
    public static func known(_ text: String) -> String? {
        var key = text.trimmingSpaces.lowercased()
        while let last = key.last, last == "." || last == "," || last == "!" { key.removeLast() }
        if key.hasPrefix("www.") { key.removeFirst(4) }
        return canonical[key]
    }

    /// A name from a trailer ("Read more at X"): the canonical spelling when known, else as written.
    static func normalise(_ text: String) -> String? {
        var name = text.trimmingSpaces
        while let last = name.last, last == "." || last == "," || last == ":" { name.removeLast() }
        guard !name.isEmpty, name.count <= 60 else { return nil }
        return known(name) ?? name
    }
}
