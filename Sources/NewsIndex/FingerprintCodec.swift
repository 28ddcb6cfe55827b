import Foundation
import GRDB
import NewsCore

/// The SQL functions behind fingerprints stored as differences (schema v26): a copy's
/// fingerprint is stored as its difference from the fingerprint of the article it copies
/// (`ArticleFingerprint.difference(from:)`), whose id `article_fingerprint.base` names, and read
/// whole through the view `article_fingerprint_whole`. A fingerprint others are stored against is
/// never itself a difference, so every one reads in one step; before it changes or goes, the
/// ones stored against it are stored whole again (the triggers of `IndexSchema.copyFingerprintsSQL`).
enum FingerprintCodec {
    /// `(bytes, base bytes)`: the fingerprint whole (version 3) when `bytes` are a difference
    /// from `base bytes`, `bytes` as they are when whole, NULL when the difference cannot be read.
    static let wholeFunction = "newsd_fingerprint_whole"
    /// `(bytes, base bytes)`: `bytes` as a difference from `base bytes` when both are whole and
    /// that is smaller, else `bytes` as they are.
    static let copyFunction = "newsd_fingerprint_copy"
    /// `(bytes)`: whether they are a difference.
    static let isDifferenceFunction = "newsd_fingerprint_is_difference"

    /// Adds the functions to a connection.
    static func register(_ db: Database) {
        db.add(function: DatabaseFunction(wholeFunction, argumentCount: 2, pure: true) { values in
            guard let stored = Data.fromDatabaseValue(values[0]) else { return nil }
            let bytes = [UInt8](stored)
            guard ArticleFingerprint.isDifference(bytes) else { return stored }
            guard let base = Data.fromDatabaseValue(values[1]).flatMap({ ArticleFingerprint(encoded: [UInt8]($0)) }),
                  let whole = ArticleFingerprint(difference: bytes, base: base) else { return nil }
            return Data(whole.encoded)
        })
        db.add(function: DatabaseFunction(copyFunction, argumentCount: 2, pure: true) { values in
            guard let stored = Data.fromDatabaseValue(values[0]) else { return values[0] }
            guard let fingerprint = ArticleFingerprint(encoded: [UInt8](stored)),
                  let base = Data.fromDatabaseValue(values[1]).flatMap({ ArticleFingerprint(encoded: [UInt8]($0)) }) else { return stored }
            let difference = fingerprint.difference(from: base)
            return difference.count < stored.count ? Data(difference) : stored
        })
        db.add(function: DatabaseFunction(isDifferenceFunction, argumentCount: 1, pure: true) { values in
            Data.fromDatabaseValue(values[0]).map { ArticleFingerprint.isDifference([UInt8]($0)) } ?? false
        })
    }
}
