import CZstd
import Synchronization

/// zstd's compression and decompression contexts, kept for reuse. A context owns hundreds of
/// kilobytes of tables that zstd allocates and clears when it is made; made anew for each
/// article, that cost more than compressing the article. One context serves one call at a time.
final class ZstdContexts: Sendable {
    /// A context, handed from thread to thread but used by one at a time.
    private struct Context: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let compression = Mutex<[Context]>([])
    private let decompression = Mutex<[Context]>([])

    /// At most this many idle contexts of each kind are kept (one per thread that compresses at once).
    static let kept = 4

    static let shared = ZstdContexts()

    /// Runs `body` with a compression context whose parameters are reset to zstd's defaults.
    func compressing<T>(_ body: (OpaquePointer) -> T?) -> T? {
        guard let context = compression.withLock({ $0.popLast()?.pointer }) ?? ZSTD_createCCtx() else { return nil }
        // Parameters and any referenced dictionary are dropped; the allocated tables stay.
        _ = ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters)
        defer { give(context, to: compression, free: { ZSTD_freeCCtx($0) }) }
        return body(context)
    }

    /// Runs `body` with a decompression context reset to zstd's defaults.
    func decompressing<T>(_ body: (OpaquePointer) -> T?) -> T? {
        guard let context = decompression.withLock({ $0.popLast()?.pointer }) ?? ZSTD_createDCtx() else { return nil }
        _ = ZSTD_DCtx_reset(context, ZSTD_reset_session_and_parameters)
        defer { give(context, to: decompression, free: { ZSTD_freeDCtx($0) }) }
        return body(context)
    }

    /// Frees the contexts no call is using (newsd going idle hands their tables back).
    func releaseIdle() {
        for context in compression.withLock({ contexts in defer { contexts.removeAll() }; return contexts }) {
            ZSTD_freeCCtx(context.pointer)
        }
        for context in decompression.withLock({ contexts in defer { contexts.removeAll() }; return contexts }) {
            ZSTD_freeDCtx(context.pointer)
        }
    }

    private func give(_ context: OpaquePointer, to pool: borrowing Mutex<[Context]>, free: (OpaquePointer) -> Int) {
        let handed = Context(pointer: context)
        let kept = pool.withLock { contexts -> Bool in
            guard contexts.count < Self.kept else { return false }
            contexts.append(handed)
            return true
        }
        if !kept { _ = free(context) }
    }
}
