import CZstd
import Synchronization

/// A zstd dictionary trained on the archive's own articles, ready to compress and decompress
/// with. Articles are short and alike (datelines, agency phrases, the outlet's stock sentences),
/// so compressed one by one each pays again for what all of them share; a dictionary holds that
/// once. It is trained at run time from what the user collected, never shipped.
///
/// Immutable after creation; zstd's prepared dictionaries are read-only, so one instance serves
/// every thread.
public final class TextDictionary: @unchecked Sendable {
    /// How stored texts name it: derived from its content (zstd's own dictionary ID, folded into
    /// 21 bits so that it takes at most three bytes), so the same number always means the same
    /// bytes, whichever connection or transaction saw it first.
    public let id: Int64
    /// The dictionary as zstd wrote it.
    public let bytes: [UInt8]
    /// Made when first compressed with, freed when a newer dictionary takes over: older ones only decompress.
    private let compression = Mutex<OpaquePointer?>(nil)
    /// Made for the idle pass, freed when it ends: at its level they are several times larger.
    private let idleCompression = Mutex<OpaquePointer?>(nil)
    private let decompression: OpaquePointer

    /// How hard a text is compressed: quickly on the ingest writer's path, tightly when the idle
    /// pass stores it again (`ArticleIndex.compactText`). Both read back the same way.
    public enum Effort: Sendable {
        case ingest
        case idle

        /// zstd's level: 3 on the writer's path, several times faster than 9 for a few points
        /// of size; 19 while idle, where only the quiet time pays for it
        /// (`Benchmarks/text-compression` prints each).
        var level: Int32 {
            switch self {
            case .ingest: 3
            case .idle: 19
            }
        }
    }

    /// The level of copies' differences and of text compressed as it arrives.
    static let level = Effort.ingest.level

    /// Prepares `bytes`; nil when zstd does not accept them as a dictionary.
    public init?(bytes: [UInt8]) {
        let dictionaryID = bytes.withUnsafeBytes { ZSTD_getDictID_fromDict($0.baseAddress, $0.count) }
        guard dictionaryID != 0,
              let decompression = bytes.withUnsafeBytes({ ZSTD_createDDict($0.baseAddress, $0.count) })
        else { return nil }
        self.id = Self.storedID(dictionaryID)
        self.bytes = bytes
        self.decompression = decompression
    }

    deinit {
        releaseCompression()
        ZSTD_freeDDict(decompression)
    }

    /// Frees the tables made for compressing (they are made again if it is used again): a
    /// dictionary no longer used for new text only decompresses.
    func releaseCompression() {
        Self.release(compression)
        releaseIdleCompression()
    }

    /// Frees the tables made for the idle pass, once it has ended.
    func releaseIdleCompression() {
        Self.release(idleCompression)
    }

    private static func release(_ tables: borrowing Mutex<OpaquePointer?>) {
        tables.withLock { prepared in
            if let made = prepared { ZSTD_freeCDict(made) }
            prepared = nil
        }
    }

    /// Folds zstd's 32-bit dictionary ID into 1…2,097,151.
    static func storedID(_ dictionaryID: UInt32) -> Int64 {
        Int64(dictionaryID % 2_097_151) + 1
    }

    /// `input` compressed as a bare zstd frame (no content size, checksum or dictionary ID: the
    /// stored form carries the length and the dictionary, and SQLite's pages their integrity);
    /// nil if zstd fails. The tables for compressing are made on first use, and held (locked)
    /// while they are used, so that `releaseCompression` never frees them under a compression.
    func compress(_ input: [UInt8], effort: Effort = .ingest) -> [UInt8]? {
        switch effort {
        case .ingest: compress(input, tables: compression, level: effort.level)
        case .idle: compress(input, tables: idleCompression, level: effort.level)
        }
    }

    private func compress(_ input: [UInt8], tables: borrowing Mutex<OpaquePointer?>, level: Int32) -> [UInt8]? {
        tables.withLock { prepared -> [UInt8]? in
            // zstd sizes a dictionary's tables for short texts when it is prepared on its own.
            if prepared == nil { prepared = bytes.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, level) } }
            guard let tables = prepared else { return nil }
            return ZstdContexts.shared.compressing { context -> [UInt8]? in
                for (parameter, value) in [(ZSTD_c_contentSizeFlag, Int32(0)), (ZSTD_c_checksumFlag, 0), (ZSTD_c_dictIDFlag, 0)] {
                    guard ZSTD_isError(ZSTD_CCtx_setParameter(context, parameter, value)) == 0 else { return nil }
                }
                guard ZSTD_isError(ZSTD_CCtx_refCDict(context, tables)) == 0 else { return nil }
                var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
                let written = output.withUnsafeMutableBytes { target in
                    input.withUnsafeBytes { source in
                        ZSTD_compress2(context, target.baseAddress, target.count, source.baseAddress, source.count)
                    }
                }
                guard ZSTD_isError(written) == 0 else { return nil }
                output.removeSubrange(written...)
                return output
            }
        }
    }

    /// What a frame of `compress` decompresses to: exactly `length` bytes, or with `prefix`
    /// below that, its first `prefix` bytes; nil when the frame is damaged or does not agree.
    func decompress(_ frame: ArraySlice<UInt8>, length: Int, prefix: Int) -> [UInt8]? {
        ZstdContexts.shared.decompressing { context -> [UInt8]? in
            guard ZSTD_isError(ZSTD_DCtx_refDDict(context, decompression)) == 0 else { return nil }
            let wanted = min(length, prefix)
            var output = [UInt8](repeating: 0, count: wanted)
            let produced = output.withUnsafeMutableBytes { target in
                frame.withUnsafeBytes { source -> Int? in
                    if wanted == length {
                        // The whole text: the frame must hold exactly it, and nothing may follow.
                        let size = ZSTD_decompressDCtx(context, target.baseAddress, target.count, source.baseAddress, source.count)
                        return ZSTD_isError(size) == 0 ? size : nil
                    }
                    // A prefix: decompress until the buffer is full.
                    var outBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: target.count, pos: 0)
                    var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
                    while outBuffer.pos < outBuffer.size {
                        let before = (outBuffer.pos, inBuffer.pos)
                        let status = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                        if ZSTD_isError(status) != 0 { return nil }
                        // The frame ended, or a truncated one has nothing more to give.
                        if status == 0 || (outBuffer.pos, inBuffer.pos) == before { break }
                    }
                    return outBuffer.pos
                }
            }
            return produced == wanted ? output : nil
        }
    }

    /// Trains a dictionary of at most `capacity` bytes on `samples` (zstd's fast COVER builder);
    /// nil when they are too few or too alike for one.
    public static func train(samples: [[UInt8]], capacity: Int) -> TextDictionary? {
        let joined = samples.flatMap { $0 }
        let sizes = samples.map(\.count)
        guard !sizes.isEmpty else { return nil }
        var buffer = [UInt8](repeating: 0, count: capacity)
        let size = buffer.withUnsafeMutableBytes { target in
            joined.withUnsafeBytes { source in
                sizes.withUnsafeBufferPointer { counts in
                    ZDICT_trainFromBuffer(target.baseAddress, target.count, source.baseAddress, counts.baseAddress, UInt32(counts.count))
                }
            }
        }
        guard ZDICT_isError(size) == 0 else { return nil }
        return TextDictionary(bytes: Array(buffer.prefix(size)))
    }
}
